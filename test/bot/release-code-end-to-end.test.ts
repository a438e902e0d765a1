/**
 * The changed-phone path over the real HTTP server, with the real executor, the Graph emulator and
 * a SQLite file (issue 10, points 6 and 8): the pass reaches only whoever types the release code the
 * approver read out on the call, and nothing of the pass, the code or the number is left behind in
 * storage, logs, audit or transcripts — including an abandoned intake, a 7-digit national number
 * and a pass the person pastes back into the chat.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Activity } from 'botbuilder';
import { createLogger } from '../../src/log';
import { TestClock } from './executor-test-kit';
import { pathTo, submit } from '../support/diagnosis-paths';
import { visibleText } from '../support/running-bot';
import { withAppSql } from '../support/app-sql';
import {
  ApprovalHarness,
  KEN,
  graphChanges,
  invokeCardText,
  releaseCodeOn,
  until,
} from '../support/approval-harness';
import { HANAKO, MISAKI, type TeamsUser } from '../support/teams-activity';
import { DEMO } from '../support/test-config';

jest.setTimeout(120_000);

const MINUTE = 60_000;
/** An Icelandic mobile: seven national digits, which the pattern rules cannot tell from other numbers. */
const ICELAND = {
  typed: '+354 611 1234',
  forms: ['611 1234', '6111234', '+354 611 1234', '+354 6111234', '+3546111234'],
};
/** A Fijian mobile typed into an intake that is then abandoned. */
const FIJI = { typed: '+679 701 2345', forms: ['701 2345', '7012345', '+679 701 2345', '+679 7012345'] };

let harness: ApprovalHarness;
let clock: TestClock;
const logLines: string[] = [];
/** The cards the approver's clicks were answered with. */
const approverViews: string[] = [];

beforeEach(async () => {
  clock = new TestClock();
  logLines.length = 0;
  approverViews.length = 0;
  harness = await ApprovalHarness.start(
    {
      HELPDESK_SECURITY_CHANNEL_ID: DEMO.securityChannelId,
      HELPDESK_TAP_MAX_LIFETIME_MINUTES: '240',
      HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
    },
    {
      createWorker: undefined,
      now: clock.now,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } }),
    },
  );
});
afterEach(() => harness.stop());

const texts = (conversationId: string): string[] => harness.connector.sentTo(conversationId).map(visibleText);

async function approve(id: string): Promise<{ code: string; answer: string }> {
  const response = await harness.click(KEN, 'approve', {
    requestId: id,
    verificationMethod: 'video_call',
    action: 're_register',
    methodTypes: 'phone,microsoftAuthenticator,softwareOath',
    // Longer than the hour the abandoned-intake part of a test moves the clock on.
    tapLifetimeMinutes: '240',
    confirmedByCallback: 'false',
    denyReason: '',
  });
  expect(response.status).toBe(200);
  const answer = invokeCardText(response.body);
  approverViews.push(answer);
  return { code: releaseCodeOn(response.body), answer };
}

async function askedForCode(user: TeamsUser): Promise<void> {
  await until('the pass card asking for the release code', () =>
    texts(harness.chatOf(user)).some((text) => text.includes('受け取りコード')) ? true : undefined,
  );
}

function lastReply(user: TeamsUser): string {
  return texts(harness.chatOf(user)).at(-1) ?? '';
}

async function stateOf(id: string): Promise<string | undefined> {
  return (await harness.app.requests.get(id))?.request.state;
}

describe('the release code on the changed-phone path', () => {
  it('three wrong codes hold the request: audited, approvers told, nothing changed in Graph', async () => {
    const id = await harness.fileRequest(HANAKO, '090-1234-5678');
    harness.emulator.clearRequests();
    const { code, answer } = await approve(id);
    expect(code).toMatch(/^[A-Z]{3}-[A-Z]{3}$/);
    expect(answer).toContain('本人確認の通話で 山田 花子 さんに読み上げてください');
    await askedForCode(HANAKO);
    // Notices at approval time, before anything ran.
    expect(texts(DEMO.securityChannelId).join('\n')).toContain(`MFA リセット ${id} (山田 花子): 承認済み`);
    expect(harness.emulator.sentMails).toHaveLength(1);

    for (const [wrong, left] of [
      ['AAA-AAA', 2],
      ['CCC-CCC', 1],
    ] as const) {
      await harness.typeReleaseCode(HANAKO, id, wrong);
      expect(lastReply(HANAKO)).toContain(`あと ${left} 回入力できます`);
    }
    await harness.typeReleaseCode(HANAKO, id, 'EEE-EEE');
    expect(lastReply(HANAKO)).toContain('申請は保留になり');
    // The right code comes too late: the request waits for the approver.
    await harness.typeReleaseCode(HANAKO, id, code);
    expect(lastReply(HANAKO)).toContain('申請は保留になり');

    const approvals = texts(DEMO.approvalsChannelId).join('\n');
    expect(approvals).toContain(`申請 ${id} (山田 花子 さん) の受け取りコードが 3 回間違って入力されました`);
    const audit = await harness.app.audit.list({ requestId: id });
    expect(audit.filter((r) => r.type.startsWith('release.')).map((r) => r.type)).toEqual([
      'release.refused',
      'release.refused',
      'release.held',
    ]);
    await harness.app.worker?.kick();
    expect(graphChanges(harness.emulator).filter((call) => !call.endsWith('/sendMail'))).toEqual([]);
    expect(await stateOf(id)).toBe('EXECUTING');
    // The code was a secret of the call: not on the channel's card, not in the audit trail.
    expect(approvals).not.toContain(code);
    expect(JSON.stringify(audit)).not.toContain(code);
  });

  it('the right code shows the pass once; nothing of it, the code or a number is left anywhere', async () => {
    // An intake abandoned with a Fijian number, wiped on the person's next message after the expiry.
    await harness.say(MISAKI, { text: 'こんにちは' });
    for (const choice of pathTo('work.request')) await harness.say(MISAKI, submit(choice));
    await harness.say(MISAKI, { text: FIJI.typed });
    expect(texts(harness.chatOf(MISAKI)).join('\n')).toContain('+679 701 2345');
    // Another one nobody comes back to, wiped by the sweep.
    await harness.say(HANAKO, { text: 'こんにちは' });
    for (const choice of pathTo('work.request')) await harness.say(HANAKO, submit(choice));
    await harness.say(HANAKO, { text: '+679 702 3456' });
    clock.advance(61 * MINUTE);
    await harness.say(MISAKI, { text: 'すみません、続きを' });
    expect(texts(harness.chatOf(MISAKI)).join('\n')).toContain(
      '入力途中の申請と、お知らせいただいた番号を破棄しました',
    );
    await harness.app.sweeper.runOnce();

    // A request with a 7-digit national number, released with the code read out on the call.
    const id = await harness.fileRequest(HANAKO, ICELAND.typed);
    const { code } = await approve(id);
    await askedForCode(HANAKO);
    await harness.typeReleaseCode(HANAKO, id, code.toLowerCase().replace('-', ' '));
    expect(lastReply(HANAKO)).toContain('コードが一致しました');
    const passCard = await until('the pass on the pass card', () =>
      harness.connector
        .sentTo(harness.chatOf(HANAKO))
        .find((activity) => /パス: \S+/.test(visibleText(activity))),
    );
    const pass = /パス: (\S+)/.exec(visibleText(passCard))?.[1] ?? '';
    expect(pass.length).toBeGreaterThanOrEqual(8);
    // Shown once, on the card that asked for the code (updated in place).
    const withPass = harness.connector.calls.filter((call) => JSON.stringify(call.activity).includes(pass));
    expect(withPass.map((call) => [call.method, call.conversationId])).toEqual([
      ['PUT', harness.chatOf(HANAKO)],
    ]);

    // The person pastes the pass back, then notes it.
    await harness.say(HANAKO, { text: `これで合っていますか？${pass}` });
    await harness.say(HANAKO, { value: { kind: 'passNoted', requestId: id } });
    await until('DONE', async () => ((await stateOf(id)) === 'DONE' ? true : undefined));
    const withdrawn = harness.connector.calls.filter(
      (call) => call.method === 'PUT' && call.conversationId === harness.chatOf(HANAKO),
    );
    expect(visibleText(withdrawn.at(-1)?.activity ?? {})).toContain('パスはここにはもう表示されません');
    // The approver's views never held the pass.
    const approverSaw = [
      ...approverViews,
      ...harness.connector.sentTo(DEMO.approvalsChannelId).map((a: Partial<Activity>) => JSON.stringify(a)),
    ].join('\n');
    expect(approverSaw).not.toContain(pass);
    // The code is on the approver's answer card only, never on the card the whole channel sees.
    expect(JSON.stringify(harness.connector.sentTo(DEMO.approvalsChannelId))).not.toContain(code);

    await harness.app.transcriptLogging.drain();
    const files = [harness.dbPath, `${harness.dbPath}-wal`].filter((file) => existsSync(file));
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    const logs = logLines.join('');
    const audit = JSON.stringify(await harness.app.audit.list({}));
    const transcripts = JSON.stringify(
      withAppSql(harness.app, (db) => db.prepare('SELECT activity FROM transcript_entries').pluck().all()),
    );
    const secrets = [
      pass,
      code,
      code.replace('-', ''),
      ...ICELAND.forms,
      ...FIJI.forms,
      '702 3456',
      '7023456',
    ];
    for (const secret of secrets) {
      const found = {
        storage: bytes.includes(Buffer.from(secret)),
        logs: logs.includes(secret),
        audit: audit.includes(secret),
        transcripts: transcripts.includes(secret),
      };
      expect({ secret, ...found }).toEqual({
        secret,
        storage: false,
        logs: false,
        audit: false,
        transcripts: false,
      });
    }
    // The transcript still reads: the paste is there, redacted.
    expect(transcripts).toContain('これで合っていますか？[REDACTED]');
    expect(transcripts).toContain('[phone •••34]');
  });
});
