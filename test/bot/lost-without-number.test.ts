import type { Locale } from '../../src/config';
import { catalogues, type MessageKey } from '../../src/i18n/catalogues';
import { pathTo, submit } from '../support/diagnosis-paths';
import { visibleText } from '../support/running-bot';
import {
  ApprovalHarness,
  KEN,
  approveInputs,
  graphChanges,
  invokeCardText,
  until,
} from '../support/approval-harness';
import { HANAKO, teamsMessage } from '../support/teams-activity';
import { DEMO } from '../support/test-config';

jest.setTimeout(90_000);

const intake = (node: string, value: string) => ({ value: { kind: 'intake', node, value } });

describe.each([
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
] as const)(
  'a lost company phone reported before there is a new number (%s)',
  (locale: Locale, teamsLocale) => {
    let harness: ApprovalHarness;
    beforeEach(async () => {
      harness = await ApprovalHarness.start({}, { createWorker: undefined });
    });
    afterEach(() => harness.stop());

    const say = (key: MessageKey): string => catalogues[locale][key];
    /** The approvals channel speaks the default language (Japanese). */
    const card = (key: MessageKey): string => catalogues.ja[key];
    const chat = `a:personal-${HANAKO.id}`;

    async function send(input: { text?: string; value?: unknown }): Promise<string> {
      harness.connector.clear();
      const response = await harness.bot.post(
        teamsMessage({ serviceUrl: harness.serviceUrl, user: HANAKO, locale: teamsLocale, ...input }),
      );
      expect(response.status).toBe(200);
      return harness.connector.sentTo(chat).map(visibleText).join('\n');
    }

    it('is filed without a number; the approver can re-register but not replace the number', async () => {
      await send({ text: { ja: 'こんにちは', en: 'hello' }[locale] });
      const choices = pathTo('lost.work.request');
      expect(choices).toContainEqual({ node: 'lost.work.company', value: 'yes' });
      let reply = '';
      for (const choice of choices) reply = await send(submit(choice));
      // After the company-phone advice, the intake offers to go on without a number.
      expect(reply).toContain(say('intake.phone.prompt'));
      expect(reply).toContain(say('intake.phone.noNumberYet'));

      expect(await send(intake('phone', 'noNumberYet'))).toContain(say('intake.verification.prompt'));
      await send(intake('verification', 'video_call'));
      const confirmation = await send({
        text: { ja: '電車で落としました', en: 'Lost it on the train' }[locale],
      });
      expect(confirmation).toContain(say('intake.confirm.phoneNone'));
      const filed = await send(intake('confirm', 'submit'));
      const id = /REQ-[2-9A-HJ-NP-Z]{6}/.exec(filed)?.[0] ?? '';
      // What the person is told stays true: the pass comes on the call, the phone is added later.
      expect(filed).toContain(say('intake.next.passOnCall'));
      expect(filed).toContain(say('intake.next.noNumber'));

      const stored = await harness.app.requests.get(id);
      expect(stored?.request.state).toBe('PENDING');
      expect(stored?.request.newPhone).toBeUndefined();
      expect(stored?.request.diagnosis).toMatchObject({ situation: 'S1b', lostOrStolen: true });

      // The card says there is no number and does not offer to put one in place.
      const posted = harness.approvalsActivities();
      expect(posted).toHaveLength(1);
      const postedText = visibleText(posted[0] ?? {});
      expect(postedText).toContain(card('approval.fact.newPhoneNone'));
      expect(JSON.stringify(posted[0]?.attachments)).not.toContain('replace_phone');
      expect(postedText).not.toContain(card('approval.action.replace_phone'));
      expect(await send({ text: { ja: '状況', en: 'status' }[locale] })).toContain(say('status.phoneNone'));

      // Card data is not trusted: replace_phone sent anyway is refused at click time, nothing changes.
      harness.emulator.clearRequests();
      const refused = await harness.click(
        KEN,
        'approve',
        approveInputs(id, { action: 'replace_phone', confirmedByCallback: 'true', methodTypes: '' }),
      );
      expect(invokeCardText(refused.body)).toContain(card('approval.problem.noNewPhone'));
      expect((await harness.app.requests.get(id))?.request.state).toBe('PENDING');
      expect(graphChanges(harness.emulator)).toEqual([]);

      // The pass is shown to the approver in their own chat with the bot, which Teams records on first contact.
      await harness.say(KEN, { text: 'こんにちは' });
      const approved = await harness.click(KEN, 'approve', approveInputs(id));
      expect(approved.status).toBe(200);
      const settled = await until('the request to settle', async () => {
        const current = await harness.app.requests.get(id);
        return current && ['DONE', 'PARTIAL', 'FAILED'].includes(current.request.state)
          ? current.request
          : undefined;
      });
      expect(settled.state).toBe('DONE');
      expect(settled.newPhone).toBeUndefined();
      // Lost phone: sessions revoked first, then the methods go and a pass is made for the approver.
      const changes = graphChanges(harness.emulator);
      expect(changes[0]).toBe(`POST /v1.0/users/${DEMO.users.hanako}/revokeSignInSessions`);
      expect(changes).toContain(
        `POST /v1.0/users/${DEMO.users.hanako}/authentication/temporaryAccessPassMethods`,
      );
      expect(changes.some((change) => change.includes('/phoneMethods/') && change.startsWith('PATCH'))).toBe(
        false,
      );
    });
  },
);
