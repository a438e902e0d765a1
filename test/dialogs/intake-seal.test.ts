/**
 * A new number waits in bot state sealed (src/domain/phone-seal.ts): the intake draft and the
 * diagnosis position never hold it readable, and a draft whose seal no longer opens (the key was
 * changed between two turns) asks the person for the number again instead of failing.
 */
import type { App } from '../../src/app';
import { catalogues } from '../../src/i18n/catalogues';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO } from '../support/teams-activity';
import { withAppSql } from '../support/app-sql';
import { tempDatabase } from '../support/running-bot';

const ROTATED_KEY = 'rotated-audit-key-abcdefghijklmnopqrstuvwxyz';
const NUMBER_TRACES = /9012345678|1234-5678|90-1234|１２３４/;
const SEALED = /"phone":\{"sealed":"v1\./;

let file: ReturnType<typeof tempDatabase>;
const apps: App[] = [];
let counter = 0;

beforeEach(() => {
  file = tempDatabase();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  file.cleanup();
});

/** A bot on the test's database file; `key` is HELPDESK_AUDIT_KEY, from which the seal key is derived. */
function bot(key?: string): App {
  const app = conversationApp({
    HELPDESK_SQLITE_PATH: file.path,
    ...(key === undefined ? {} : { HELPDESK_AUDIT_KEY: key }),
  });
  apps.push(app);
  return app;
}

function botStateText(app: App): string {
  return withAppSql(app, (db) => db.prepare<[], string>('SELECT value FROM bot_state').pluck().all()).join(
    '\n',
  );
}

const intake = (node: string, value: string) => ({ value: { kind: 'intake', node, value } });

describe.each(['ja', 'en'] as const)('a new number in bot state (%s)', (locale) => {
  const t = catalogues[locale];
  const chatOn = (app: App, id: string): Conversation =>
    new Conversation(app, HANAKO, locale === 'ja' ? 'ja-JP' : 'en-US', id);
  const newChat = (app: App): { conversation: Conversation; id: string } => {
    counter += 1;
    const id = `a:seal-${counter}`;
    return { conversation: chatOn(app, id), id };
  };

  async function reachIntake(conversation: Conversation): Promise<void> {
    await conversation.text(locale === 'ja' ? 'こんにちは' : 'hello');
    for (const choice of pathTo('work.request')) await conversation.text(submit(choice));
  }

  it('is sealed in the intake draft: no digit of it is readable there', async () => {
    const app = bot();
    const { conversation } = newChat(app);
    await reachIntake(conversation);
    expect(await conversation.text('０９０－１２３４－５６７８')).toContain('+81 90-1234-5678');
    expect(botStateText(app)).toMatch(SEALED);
    expect(botStateText(app)).not.toMatch(NUMBER_TRACES);
    await conversation.text(intake('verification', 'video_call'));
    expect(await conversation.text('機種変更')).toContain('090-1234-5678 (+81 90-1234-5678)');
    expect(botStateText(app)).not.toMatch(NUMBER_TRACES);
  });

  it('after the key changed, the person is told and asked for it again; the other answers are kept', async () => {
    const first = bot();
    const { conversation, id } = newChat(first);
    await reachIntake(conversation);
    await conversation.text('090-1234-5678');
    await conversation.text(intake('verification', 'video_call'));
    await conversation.text('機種変更');
    await first.close();

    // The next turn lands on an instance with another key: the confirmation it answers is unreadable.
    const rotated = bot(ROTATED_KEY);
    const again = chatOn(rotated, id);
    const reply = await again.text(intake('confirm', 'submit'));
    expect(reply).toContain(t['intake.phone.sealLost']);
    expect(reply).toContain(t['intake.phone.prompt']);
    expect(await rotated.requests.findOpenByRequester(HANAKO.aadObjectId)).toBeUndefined();

    // The verification and the reason were kept: the confirmation follows the number at once.
    const confirmation = await again.text('080-9876-5432');
    expect(confirmation).toContain('080-9876-5432 (+81 80-9876-5432)');
    expect(confirmation).toContain(t['intake.confirm.title']);
    await again.text(intake('confirm', 'submit'));
    const open = await rotated.requests.findOpenByRequester(HANAKO.aadObjectId);
    expect(open?.request.newPhone?.national).toBe('080-9876-5432');
  });

  it('a number typed during the diagnosis whose seal no longer opens is asked for at the intake', async () => {
    const first = bot();
    const { conversation, id } = newChat(first);
    await conversation.text(locale === 'ja' ? 'こんにちは' : 'hello');
    await conversation.text(
      locale === 'ja'
        ? '機種変更しました。新しい番号は ０９０－１２３４－５６７８ です'
        : 'I have a new phone, the new number is +81 90 1234 5678',
    );
    expect(botStateText(first)).toMatch(SEALED);
    expect(botStateText(first)).not.toMatch(NUMBER_TRACES);
    await first.close();

    const rotated = bot(ROTATED_KEY);
    const again = chatOn(rotated, id);
    await again.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    await again.text(submit({ node: 'changed.noOld.account', value: 'work' }));
    await again.text(submit({ node: 'work.otherMethod', value: 'no' }));
    const reply = await again.text(submit({ node: 'work.admin', value: 'no' }));
    expect(reply).toContain(t['intake.phone.sealLost']);
    expect(reply).toContain(t['intake.phone.prompt']);
    expect(reply).not.toContain('+81 90-1234-5678');
  });
});
