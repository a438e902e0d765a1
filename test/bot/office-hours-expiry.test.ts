import { catalogues } from '../../src/i18n/catalogues';
import { formatDateTime } from '../../src/i18n/format';
import { transition } from '../../src/domain/request-lifecycle';
import type { Locale } from '../../src/config';
import { visibleText } from '../support/running-bot';
import { ApprovalHarness, KEN } from '../support/approval-harness';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO, teamsMessage, type TeamsUser } from '../support/teams-activity';
import { ManualClock } from '../fakes/manual-clock';

jest.setTimeout(90_000);

/**
 * Issue 15: after filing, the person is told when IT will see the request, when it expires and
 * where the Temporary Access Pass will come from; the expiry counts office minutes only, so a
 * request filed on Friday night is still open on Monday morning. Default office hours (Mon-Fri
 * 09:00-18:00, Asia/Tokyo), a 60-minute expiry, a clock moved by hand.
 */
const jst = (iso: string): Date => new Date(`${iso}+09:00`);
const HANAKO_CHAT = `a:personal-${HANAKO.id}`;
const MINUTE = 60_000;

let clock: ManualClock;
let harness: ApprovalHarness;

async function start(at: string): Promise<void> {
  clock = new ManualClock(jst(at));
  harness = await ApprovalHarness.start(
    { HELPDESK_REQUEST_EXPIRY_MINUTES: '60', HELPDESK_REMINDER_LEAD_MINUTES: '15' },
    { now: clock.now },
  );
}
afterEach(() => harness.stop());

const chatText = (): string => harness.connector.sentTo(HANAKO_CHAT).map(visibleText).join('\n');
const stateOf = async (id: string): Promise<string | undefined> =>
  (await harness.app.requests.get(id))?.request.state;
const when = (iso: string, locale: Locale): string => formatDateTime(jst(iso), locale, 'Asia/Tokyo');

/** Files a request in `locale` along the shortest path to `leaf`. */
async function file(locale: Locale, leaf: string, user: TeamsUser = HANAKO): Promise<string> {
  const activityLocale = locale === 'ja' ? 'ja-JP' : 'en-US';
  const say = (input: { text?: string; value?: unknown }) =>
    harness.bot.post(
      teamsMessage({ serviceUrl: harness.serviceUrl, user, locale: activityLocale, ...input }),
    );
  await say({ text: locale === 'ja' ? 'こんにちは' : 'hello' });
  for (const choice of pathTo(leaf)) await say(submit(choice));
  await say({ text: '090-1234-5678' });
  await say({ value: { kind: 'intake', node: 'verification', value: 'video_call' } });
  await say({ text: locale === 'ja' ? '機種変更で番号が変わりました' : 'new phone, new number' });
  await say({ value: { kind: 'intake', node: 'confirm', value: 'submit' } });
  const open = await harness.app.requests.findOpenByRequester(user.aadObjectId);
  if (!open) throw new Error('no request was filed');
  return open.request.id;
}

describe.each(['ja', 'en'] as const)('after filing, in %s', (locale) => {
  const c = catalogues[locale];

  it('outside office hours: says when IT will see it, and the expiry does not run out before then', async () => {
    await start('2026-11-27T19:30'); // a Friday evening
    const id = await file(locale, 'work.request');
    const told = chatText();
    expect(told).toContain(c['intake.next.title']);
    expect(told).toContain(
      c['intake.next.outsideHours'].replace('{seenAt}', when('2026-11-30T09:00', locale)),
    );
    expect(told).toContain(c['intake.next.expiry'].replace('{expiresAt}', when('2026-11-30T10:00', locale)));
    // The changed-phone path: the pass comes in the chat, after the code from the call.
    expect(told).toContain(c['intake.next.passInChat']);
    expect(told).not.toContain(c['intake.next.passOnCall']);
    expect(told).toContain('03-1234-0000');
    expect(told).toContain(c['contact.noTeams']);

    clock.advance(61); // an hour later: still Friday night
    await harness.app.sweeper.runOnce();
    expect(await stateOf(id)).toBe('PENDING');
    clock.advance((jst('2026-11-30T09:59').getTime() - clock.now().getTime()) / MINUTE); // Monday 09:59
    await harness.app.sweeper.runOnce();
    expect(await stateOf(id)).toBe('PENDING');
    clock.advance(1); // Monday 10:00: sixty office minutes
    await harness.app.sweeper.runOnce();
    expect(await stateOf(id)).toBe('EXPIRED');
  });

  it('a lost phone inside office hours: the approver hands the pass over on the call; expiry an hour on', async () => {
    await start('2026-12-01T10:00'); // a Tuesday morning
    await file(locale, 'lost.work.request');
    const told = chatText();
    expect(told).toContain(c['intake.next.passOnCall']);
    expect(told).not.toContain(c['intake.next.passInChat']);
    expect(told).not.toContain(c['intake.next.outsideHours'].split('{')[0]);
    expect(told).toContain(c['intake.next.expiry'].replace('{expiresAt}', when('2026-12-01T11:00', locale)));
    expect(told).toContain(c['intake.next.target'].replace('{responseTarget}', '30'));
    expect(told).toContain(c['contact.noTeams']);
  });
});

describe('PARTIAL and FAILED outcomes and the pass name the helpdesk', () => {
  beforeEach(() => start('2026-12-01T10:00'));

  it.each(['PARTIAL', 'FAILED'] as const)(
    '%s tells the requester who to contact, with the no-Teams line',
    async (state) => {
      await harness.say(HANAKO, { text: 'こんにちは' }); // Teams records the 1:1 chat on first contact
      const actor = { id: KEN.aadObjectId, name: KEN.name };
      const at = clock.now();
      const pending = await harness.storeRequest(HANAKO);
      const settled = transition(
        transition(transition(pending, 'APPROVED', actor, at), 'EXECUTING', actor, at),
        state,
        actor,
        at,
      );
      harness.connector.clear();
      await harness.app.notifier.tellRequesterOutcome(settled);
      const told = chatText();
      expect(told).toContain(catalogues.ja[`outcome.${state}`].replace('{requestId}', settled.id));
      expect(told).toContain('03-1234-0000');
      expect(told).toContain('helpdesk@contoso.example');
      expect(told).toContain(catalogues.ja['contact.noTeams']);
    },
  );

  it('the pass card names the helpdesk, with the line for when Teams cannot be opened', async () => {
    const id = await file('ja', 'work.request');
    const stored = await harness.app.requests.get(id);
    if (!stored) throw new Error('no request');
    harness.connector.clear();
    const expiresAt = new Date(clock.now().getTime() + 60 * MINUTE).toISOString();
    await harness.app.notifier.showPassToRequester(stored.request, {
      value: 'Xk7!p2Qd9Lm#',
      lifetimeMinutes: 60,
      expiresAt,
    });
    const card = chatText();
    expect(card).toContain(catalogues.ja['pass.title']);
    expect(card).toContain('03-1234-0000');
    expect(card).toContain(catalogues.ja['contact.noTeams']);
  });
});
