import { existsSync, readFileSync } from 'node:fs';
import { verifyChainAsync } from '../../src/domain/audit';
import { visibleText } from '../support/running-bot';
import { withAppSql } from '../support/app-sql';
import {
  ApprovalHarness,
  KEN,
  approveInputs,
  graphChanges,
  invokeCardText,
  releaseCodeOn,
  until,
} from '../support/approval-harness';
import { HANAKO } from '../support/teams-activity';
import { DEMO } from '../support/test-config';

jest.setTimeout(90_000);

const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const ALTERNATE_MOBILE = 'b6332ec1-7057-4abe-9331-3d72feddfe41';

describe('approval end to end over the real HTTP server', () => {
  let harness: ApprovalHarness;
  beforeEach(async () => {
    harness = await ApprovalHarness.start(
      {
        HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
        HELPDESK_SECURITY_CHANNEL_ID: '19:it-team-general@thread.tacv2',
      },
      { createWorker: undefined },
    );
  });
  afterEach(() => harness.stop());

  it('files, approves, answers the click while Graph is held, resets exactly once and tells everyone', async () => {
    const hanakoChat = `a:personal-${HANAKO.id}`;
    const id = await harness.fileRequest(HANAKO, '０９０－１２３４－５６７８');
    expect(harness.approvalsActivities()).toHaveLength(1);
    harness.emulator.clearRequests();

    // Hold every change Graph would make; the click must still be answered at once.
    const deletes = harness.emulator.gate('deleteMethod');
    const { response } = await harness.approveAndRelease(KEN, id);
    expect(response.status).toBe(200);
    expect(invokeCardText(response.body)).toContain('承認済み');
    await deletes.whenHolding(1);
    // The click is answered and the first DELETE is held: the pass exists, nothing is deleted yet.
    expect(harness.emulator.state.methodsOf(DEMO.users.hanako).map((method) => method.id)).toEqual(
      expect.arrayContaining([MOBILE, ALTERNATE_MOBILE]),
    );
    deletes.open();

    // Changed phone: the pass goes to the requester, and sessions are revoked only once they noted it.
    const passCard = await until('the pass card', () =>
      harness.connector
        .sentTo(hanakoChat)
        .find(
          (activity) =>
            visibleText(activity).includes('一時アクセス パス') && visibleText(activity).includes('パス: '),
        ),
    );
    const pass = /パス: (\S+)/.exec(visibleText(passCard))?.[1] ?? '';
    expect(pass.length).toBeGreaterThanOrEqual(8);
    expect(graphChanges(harness.emulator).some((call) => call.includes('revokeSignInSessions'))).toBe(false);
    await harness.say(HANAKO, { value: { kind: 'passNoted', requestId: id } });

    const settled = await until('the request to settle', async () => {
      const stored = await harness.app.requests.get(id);
      return stored && ['DONE', 'PARTIAL', 'FAILED'].includes(stored.request.state)
        ? stored.request
        : undefined;
    });
    expect(settled.state).toBe('DONE');

    // Exactly these changes, in this order: others before the default, alternateMobile before mobile.
    // The mail at approval comes first; the pass before any delete.
    expect(graphChanges(harness.emulator)).toEqual([
      'POST /v1.0/users/mfa-helpdesk@contoso.onmicrosoft.com/sendMail',
      `POST /v1.0/users/${DEMO.users.hanako}/authentication/temporaryAccessPassMethods`,
      `DELETE /v1.0/users/${DEMO.users.hanako}/authentication/phoneMethods/${ALTERNATE_MOBILE}`,
      `DELETE /v1.0/users/${DEMO.users.hanako}/authentication/phoneMethods/${MOBILE}`,
      `POST /v1.0/users/${DEMO.users.hanako}/revokeSignInSessions`,
      'POST /v1.0/users/mfa-helpdesk@contoso.onmicrosoft.com/sendMail',
    ]);
    const remaining = harness.emulator.state
      .methodsOf(DEMO.users.hanako)
      .map((method) => method['@odata.type']);
    expect(remaining.sort()).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    ]);

    // The requester heard the outcome and what to do next.
    const chat = harness.connector.sentTo(hanakoChat).map(visibleText).join('\n');
    expect(chat).toContain(`申請 ${id} が完了しました`);
    expect(chat).toContain('https://mysignins.microsoft.com/security-info');

    // The card was updated in place for everyone, and ends on "done".
    const updates = harness.connector.calls.filter(
      (call) => call.method === 'PUT' && call.conversationId === DEMO.approvalsChannelId,
    );
    expect(updates.length).toBeGreaterThan(0);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain('完了');

    // Mail to the requester and the manager, and a notice in the security channel: when the reset
    // was approved (while it can still be stopped) and when it was done.
    expect(harness.emulator.sentMails).toHaveLength(2);
    expect(JSON.stringify(harness.emulator.sentMails[0])).toContain('naoko.ito');
    expect(JSON.stringify(harness.emulator.sentMails[0])).toContain('承認されました');
    const security = harness.connector.sentTo('19:it-team-general@thread.tacv2').map(visibleText).join('\n');
    expect(security).toContain(
      `MFA リセット ${id} (山田 花子): 承認済み: まもなくリセットを実行します。承認者: 佐藤 健`,
    );
    expect(security).toContain(`MFA リセット ${id} (山田 花子): 完了。承認者: 佐藤 健`);

    // Each notice is audited once per occasion: at the approval, and by the executor's notices step.
    const notices = await harness.app.audit.list({
      requestId: id,
      types: ['notice.sent', 'notice.undeliverable'],
    });
    const noticeKinds = notices.map((record) => String(record.data.notice ?? record.data.to));
    expect(noticeKinds.filter((kind) => kind === 'mail')).toHaveLength(2);
    expect(noticeKinds.filter((kind) => kind === 'securityChannel')).toHaveLength(2);

    // The audit chain verifies and never holds the pass or the full number.
    const verification = await verifyChainAsync(harness.app.audit.all(), harness.app.config.auditKey);
    expect(verification.ok).toBe(true);
    const audit = JSON.stringify(await harness.app.audit.list({ requestId: id }));
    expect(audit).not.toContain(pass);
    expect(audit).not.toMatch(/9012345678|1234-5678/);
    const stored = JSON.stringify((await harness.app.requests.get(id))?.request);
    expect(stored).not.toContain(pass);
    expect(stored).not.toMatch(/9012345678|1234-5678/);

    // Nowhere in the database file either (requests, audit, transcripts, bot state, WAL included).
    await harness.app.transcriptLogging.drain();
    const files = [harness.dbPath, `${harness.dbPath}-wal`].filter((file) => existsSync(file));
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    expect(bytes.includes(Buffer.from(pass))).toBe(false);
    for (const form of ['9012345678', '090-1234-5678', '90-1234-5678', '０９０－１２３４－５６７８']) {
      expect({ form, found: bytes.includes(Buffer.from(form)) }).toEqual({ form, found: false });
    }
    // The transcript still tells the story, with the pass and the number redacted.
    const transcript = JSON.stringify(await harness.app.transcripts.listByRequest(id));
    expect(transcript).toContain('[phone •••78]');
    expect(transcript).not.toContain(pass);
  });

  it('tells the requester and audits it when no approvals channel is known', async () => {
    withAppSql(harness.app, (db) =>
      db.prepare('DELETE FROM conversation_references WHERE key LIKE ?').run('channel:%'),
    );
    const id = await harness.fileRequest();
    const chat = harness.connector.sentTo(`a:personal-${HANAKO.id}`).map(visibleText).join('\n');
    expect(chat).toContain('申請は保存しましたが、まだ IT 部門に届いていません');
    expect(chat).toContain('03-1234-0000');
    const undeliverable = await harness.app.audit.list({ requestId: id, types: ['notice.undeliverable'] });
    expect(undeliverable.map((record) => record.data.to)).toContain(`channel:${DEMO.approvalsChannelId}`);
  });

  it('executes once when fifty approve clicks arrive at the same moment', async () => {
    const id = await harness.fileRequest();
    harness.emulator.clearRequests();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => harness.click(KEN, 'approve', approveInputs(id))),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    // One click won, and only its answer carries a release code.
    const codes = responses.flatMap((response) => {
      try {
        return [releaseCodeOn(response.body)];
      } catch {
        return [];
      }
    });
    expect(codes).toHaveLength(1);
    await until('the pass card asking for the code', () =>
      harness.connector
        .sentTo(harness.chatOf(HANAKO))
        .some((activity) => visibleText(activity).includes('受け取りコード'))
        ? true
        : undefined,
    );
    await harness.typeReleaseCode(HANAKO, id, codes[0] ?? '');
    const settled = await until('the pass to be shown', async () => {
      const stored = await harness.app.requests.get(id);
      const shown = stored?.request.execution?.steps.some(
        (step) => step.name === 'showPassToRequester' && step.status === 'succeeded',
      );
      return stored && stored.request.state === 'EXECUTING' && shown ? stored.request : undefined;
    });
    expect(settled.execution?.tap).toBeDefined();
    expect(await harness.app.audit.list({ requestId: id, types: ['request.approved'] })).toHaveLength(1);
    const changes = graphChanges(harness.emulator);
    expect(changes.filter((call) => call.startsWith('DELETE'))).toHaveLength(2);
    expect(changes.filter((call) => call.endsWith('/temporaryAccessPassMethods'))).toHaveLength(1);
  });
});
