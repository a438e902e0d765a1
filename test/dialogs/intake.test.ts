import type { App } from '../../src/app';
import { catalogues } from '../../src/i18n/catalogues';
import { createPendingRequest, transition } from '../../src/domain/request-lifecycle';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO, MISAKI, type TeamsUser } from '../support/teams-activity';
import { withAppSql } from '../support/app-sql';
import { tempDatabase } from '../support/running-bot';

const ja = catalogues.ja;
let app: App;
let counter = 0;

let file: ReturnType<typeof tempDatabase>;

beforeEach(() => {
  file = tempDatabase();
  app = conversationApp({ HELPDESK_SQLITE_PATH: file.path });
});
afterEach(async () => {
  await app.close();
  file.cleanup();
});

function chat(user: TeamsUser = HANAKO): Conversation {
  counter += 1;
  return new Conversation(app, user, 'ja-JP', `a:intake-${counter}`);
}

async function reachIntake(conversation: Conversation, leaf = 'work.request'): Promise<string> {
  let seen = await conversation.text('こんにちは');
  for (const choice of pathTo(leaf)) seen += '\n' + (await conversation.text(submit(choice)));
  return seen;
}

const intake = (node: string, value: string, extra: Record<string, unknown> = {}) => ({
  value: { kind: 'intake', node, value, ...extra },
});

async function fileRequest(
  conversation: Conversation,
  phone = '０９０－１２３４－５６７８',
): Promise<string> {
  await reachIntake(conversation);
  await conversation.text(phone);
  await conversation.text(intake('verification', 'video_call'));
  await conversation.text('機種変更で番号が変わりました');
  return conversation.text(intake('confirm', 'submit'));
}

function botStateText(): string {
  return withAppSql(app, (db) => db.prepare<[], string>('SELECT value FROM bot_state').pluck().all()).join(
    '\n',
  );
}

describe('the reset request intake', () => {
  it('collects the number, shows both forms, and files a PENDING request for the Teams sender', async () => {
    const conversation = chat();
    const opening = await reachIntake(conversation);
    expect(opening).toContain(ja['intake.phone.prompt']);

    const accepted = await conversation.text('０９０－１２３４－５６７８');
    expect(accepted).toContain('090-1234-5678');
    expect(accepted).toContain('+81 90-1234-5678');
    expect(accepted).toContain(ja['intake.verification.prompt']);

    expect(await conversation.text(intake('verification', 'video_call'))).toContain(
      ja['intake.reason.prompt'],
    );
    const confirmation = await conversation.text('機種変更で番号が変わりました');
    expect(confirmation).toContain(ja['intake.confirm.title']);
    expect(confirmation).toContain('090-1234-5678 (+81 90-1234-5678)');
    expect(confirmation).toContain('Teams のビデオ通話');

    // Card data naming another person is ignored: the target is the sender.
    const filed = await conversation.text(
      intake('confirm', 'submit', { aadObjectId: MISAKI.aadObjectId, target: MISAKI.aadObjectId }),
    );
    const id = /REQ-[2-9A-HJ-NP-Z]{6}/.exec(filed)?.[0];
    expect(id).toBeDefined();
    expect(filed).toContain(`申請番号は ${id} です`);
    expect(filed).toContain('受付時間');

    const stored = await app.requests.get(id ?? '');
    expect(stored?.request).toMatchObject({
      state: 'PENDING',
      tenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
      requester: { aadObjectId: HANAKO.aadObjectId, teamsUserId: HANAKO.id, name: HANAKO.name },
      newPhone: {
        graph: '+81 9012345678',
        national: '090-1234-5678',
        international: '+81 90-1234-5678',
        lastTwo: '78',
      },
      verification: 'video_call',
      locale: 'ja',
    });
    expect(stored?.request.diagnosis.path).toContain('work.request');

    // Dialog state no longer holds the number once the request exists.
    expect(botStateText()).not.toMatch(/9012345678|1234-5678|１２３４/);
  });

  it('explains each refused number in Japanese and asks again', async () => {
    const conversation = chat();
    await reachIntake(conversation);
    const cases: Array<[string, string]> = [
      ['', 'intake.phone.reason.EMPTY'],
      ['あ'.repeat(10_000), 'dialog.tooLong'],
      ['📱📱📱', 'intake.phone.reason.INVALID_CHARACTERS'],
      ['+44 7700 900123', 'intake.phone.reason.INVALID'],
      ['03-1234-5678', 'intake.phone.reason.NOT_MOBILE'],
      ['1-800-FLOWERS', 'intake.phone.reason.LETTERS'],
      ['+999 123', 'intake.phone.reason.UNKNOWN_COUNTRY_CODE'],
      ['090-1234-5678 内線 12', 'intake.phone.reason.HAS_EXTENSION'],
    ];
    for (const [typed, key] of cases) {
      const reply = await conversation.text(typed);
      const message = ja[key as keyof typeof ja].replace('{max}', '1000');
      expect({
        typed: typed.slice(0, 20),
        reply: reply.includes(message),
        again: reply.includes(ja['intake.phone.prompt']),
      }).toEqual({
        typed: typed.slice(0, 20),
        reply: true,
        again: true,
      });
    }
    expect(await conversation.text({ value: { foo: 'bar' } })).toContain(ja['intake.phone.prompt']);
    expect(await conversation.text('090-1234-5678')).toContain('+81 90-1234-5678');
  });

  it('handles wrong choices at the later prompts and old buttons', async () => {
    const conversation = chat();
    await reachIntake(conversation);
    await conversation.text('080-1111-2222');
    const wrong = await conversation.text('carrier pigeon');
    expect(wrong).toContain(ja['dialog.chooseOption']);
    expect(wrong).toContain(ja['intake.verification.prompt']);
    expect(await conversation.text(submit({ node: 'start', value: 'lost' }))).toContain(
      ja['dialog.alreadyAnswered'],
    );
    expect(await conversation.text('上長')).toContain(ja['intake.reason.prompt']);
    expect(await conversation.text('')).toContain(ja['dialog.empty']);
    expect(await conversation.text('x'.repeat(2000))).toContain(ja['dialog.tooLong'].replace('{max}', '500'));
    await conversation.text('新しい携帯にしました');
    const unclear = await conversation.text('うーん');
    expect(unclear).toContain(ja['intake.confirm.prompt']);
    expect(unclear).toContain(ja['intake.confirm.title']);
  });

  it('lets the person correct the number from the confirmation and keeps the other answers', async () => {
    const conversation = chat();
    await reachIntake(conversation);
    await conversation.text('090-1234-5678');
    await conversation.text(intake('verification', 'in_person'));
    await conversation.text('紛失しました');
    expect(await conversation.text(intake('confirm', 'editPhone'))).toContain(ja['intake.phone.prompt']);
    const confirmation = await conversation.text('080 9876 5432');
    expect(confirmation).toContain('080-9876-5432 (+81 80-9876-5432)');
    expect(confirmation).toContain('IT 窓口で対面');
  });

  it('files nothing when the person cancels at the confirmation', async () => {
    const conversation = chat();
    await reachIntake(conversation);
    await conversation.text('090-1234-5678');
    await conversation.text(intake('verification', 'manager'));
    await conversation.text('番号変更');
    expect(await conversation.text('やめる')).toContain(ja['dialog.cancelled']);
    expect(await app.requests.findOpenByRequester(HANAKO.aadObjectId)).toBeUndefined();
  });

  it('refuses a second request while one is open, naming the first, and shows it on status', async () => {
    const first = chat();
    const filed = await fileRequest(first);
    const id = /REQ-\w{6}/.exec(filed)?.[0] ?? '';
    const second = chat();
    const refused = await reachIntake(second);
    expect(refused).toContain(ja['intake.alreadyOpen'].replace('{requestId}', id));
    expect(refused).not.toContain(ja['intake.phone.prompt']);
    // A dead end: the helpdesk, including for when Teams cannot be opened.
    expect(refused).toContain('03-1234-0000');
    expect(refused).toContain(ja['contact.noTeams']);

    const status = await chat().text('状況');
    expect(status).toContain(`申請 ${id}`);
    expect(status).toContain('IT 部門の承認待ち');
    expect(status).toContain('末尾 78');
    expect(status).not.toContain('1234-5678');
  });

  it('status without an open request says so, at any step too', async () => {
    expect(await chat().text('status')).toContain(ja['status.none']);
    const conversation = chat();
    await reachIntake(conversation);
    const midway = await conversation.text('状況');
    expect(midway).toContain(ja['status.none']);
    expect(midway).toContain(ja['intake.phone.prompt']);
  });

  it('records a lost or stolen phone on the request', async () => {
    const conversation = chat();
    await reachIntake(conversation, 'lost.work.request');
    await conversation.text('090-1234-5678');
    await conversation.text(intake('verification', 'in_person'));
    await conversation.text('電車で盗まれました');
    await conversation.text(intake('confirm', 'submit'));
    const open = await app.requests.findOpenByRequester(HANAKO.aadObjectId);
    expect(open?.request.diagnosis.lostOrStolen).toBe(true);
    expect(open?.request.diagnosis.situation).toBe('S1b');
  });

  it('cannot file for a sender Teams does not identify, and names the helpdesk', async () => {
    const anonymous: TeamsUser = { id: '29:guest', name: 'Guest', aadObjectId: '' };
    const reply = await reachIntake(chat(anonymous));
    expect(reply).toContain(ja['intake.noIdentity']);
    expect(reply).toContain('03-1234-0000');
  });

  it('refuses past the monthly cap with the helpdesk contact', async () => {
    const now = new Date();
    for (let i = 0; i < 3; i++) {
      const request = createPendingRequest(
        {
          tenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
          requester: { aadObjectId: HANAKO.aadObjectId, teamsUserId: HANAKO.id, name: HANAKO.name },
          locale: 'ja',
          newPhone: { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' },
          verification: 'video_call',
          reason: 'test',
          diagnosis: {
            path: 'start',
            situation: 'S1a',
            errorCodes: [],
            workingMethods: [],
            lostOrStolen: false,
          },
        },
        now,
      );
      const stored = await app.requests.create(request);
      await app.requests.update(
        transition(stored.request, 'CANCELLED', { id: HANAKO.aadObjectId, name: HANAKO.name }, now),
        stored.eTag,
      );
    }
    const reply = await reachIntake(chat());
    expect(reply).toContain(ja['intake.monthlyCap'].replace('{cap}', '3'));
    expect(reply).toContain('03-1234-0000');
  });
});

describe('filing without a new number', () => {
  it('is offered only for a lost or stolen phone: a changed number must be given', async () => {
    const conversation = chat();
    const opening = await reachIntake(conversation);
    expect(opening).not.toContain(ja['intake.phone.noNumberYet']);
    // The button of a lost-phone intake does not work here, nor do its words.
    expect(await conversation.text(intake('phone', 'noNumberYet'))).not.toContain(
      ja['intake.verification.prompt'],
    );
    expect(await conversation.text('まだありません')).toContain(ja['intake.phone.reason.INVALID_CHARACTERS']);
    expect(await app.requests.findOpenByRequester(HANAKO.aadObjectId)).toBeUndefined();
  });

  it('typed on the lost path, and changed back to a number on the confirmation', async () => {
    const conversation = chat();
    await reachIntake(conversation, 'lost.work.request');
    expect(await conversation.text('新しい番号はまだありません')).toContain(ja['intake.phone.noNumberNoted']);
    await conversation.text(intake('verification', 'in_person'));
    expect(await conversation.text('なくしました')).toContain(ja['intake.confirm.phoneNone']);
    expect(await conversation.text(intake('confirm', 'editPhone'))).toContain(ja['intake.phone.noNumberYet']);
    expect(await conversation.text('090-1234-5678')).toContain('090-1234-5678 (+81 90-1234-5678)');
    await conversation.text(intake('confirm', 'submit'));
    const open = await app.requests.findOpenByRequester(HANAKO.aadObjectId);
    expect(open?.request.newPhone).toMatchObject({ graph: '+81 9012345678' });
  });
});
