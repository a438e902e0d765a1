import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import type { Locale } from '../../src/config';
import { catalogues, type MessageKey } from '../../src/i18n/catalogues';
import { Conversation, conversationApp } from '../support/conversation';
import { submit } from '../support/diagnosis-paths';
import { HANAKO } from '../support/teams-activity';
import { tempDatabase, visibleText } from '../support/running-bot';
import { withAppSql } from '../support/app-sql';

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

const LOCALES: Record<Locale, string> = { ja: 'ja-JP', en: 'en-US' };

function chat(locale: Locale = 'ja'): Conversation {
  counter += 1;
  return new Conversation(app, HANAKO, LOCALES[locale], `a:listen-${counter}`);
}

const say = (locale: Locale, key: MessageKey): string => catalogues[locale][key];
/** The line that says which answer was taken from what the person wrote. */
const understood = (locale: Locale, label: MessageKey): string =>
  say(locale, 'dialog.understood').replace('{answer}', say(locale, label));

const intake = (node: string, value: string) => ({ value: { kind: 'intake', node, value } });

function botStateText(): string {
  return withAppSql(app, (db) => db.prepare<[], string>('SELECT value FROM bot_state').pluck().all()).join(
    '\n',
  );
}

describe.each(['ja', 'en'] as const)('an error code in the first message (%s)', (locale) => {
  const opening = { ja: '0x8019019a というエラーが出ます', en: 'I keep getting error 0x8019019a' }[locale];

  it('is not asked for again: after the account question comes its advice', async () => {
    const conversation = chat(locale);
    const first = await conversation.text(opening);
    expect(first).toContain(understood(locale, 'diag.start.opt.error'));
    expect(first).toContain(say(locale, 'diag.account.prompt'));
    expect(first).not.toContain(say(locale, 'diag.start.prompt'));

    const advice = await conversation.text(submit({ node: 'error.account', value: 'work' }));
    expect(advice).toContain(understood(locale, 'diag.error.opt.0x8019019a'));
    expect(advice).toContain(say(locale, 'diag.error.0x8019019a.title'));
    expect(advice).not.toContain(say(locale, 'diag.error.which.prompt'));
  });

  it('with the account named too, goes straight to the advice', async () => {
    const text = {
      ja: '会社のアカウントで 0x800704CF が表示されます',
      en: 'My work account shows 0x800704cf',
    }[locale];
    const reply = await chat(locale).text(text);
    expect(reply).toContain(say(locale, 'diag.error.0x800704cf.title'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.error.which.prompt'));
  });
});

describe.each(['ja', 'en'] as const)('error text typed at another question (%s)', (locale) => {
  it('is kept and answers the error question when it comes', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    await conversation.text(submit({ node: 'start', value: 'error' }));
    const noted = await conversation.text(
      {
        ja: '「この国番号はサポートされていません」と出ます',
        en: 'It says this country code is not supported',
      }[locale],
    );
    expect(noted).toContain(say(locale, 'dialog.noted'));
    expect(noted).toContain(say(locale, 'diag.account.prompt'));
    const advice = await conversation.text({ ja: '個人用', en: 'personal' }[locale]);
    expect(advice).toContain(say(locale, 'diag.error.countryCode.title'));
    expect(advice).not.toContain(say(locale, 'diag.error.which.prompt'));
  });
});

describe('error text and unknown codes', () => {
  it('a code the guides do not know answers "another error"', async () => {
    const reply = await chat('en').text('work account, error 0x80070005 when I add my number');
    expect(reply).toContain(say('en', 'diag.error.other.title'));
  });

  it('a generic "an error occurred" is not guessed at: the bot asks which error', async () => {
    const conversation = chat();
    await conversation.text('番号の登録でエラーが発生しました');
    const which = await conversation.text(submit({ node: 'error.account', value: 'work' }));
    expect(which).toContain(say('ja', 'diag.error.which.prompt'));
  });
});

describe.each(['ja', 'en'] as const)('a lost phone in the first message (%s)', (locale) => {
  it('goes straight to the lost-phone path', async () => {
    const text = { ja: 'スマホをなくしました', en: 'I lost my phone' }[locale];
    const conversation = chat(locale);
    const reply = await conversation.text(text);
    expect(reply).toContain(understood(locale, 'diag.start.opt.lost'));
    expect(reply).toContain(say(locale, 'diag.account.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.start.prompt'));
    // The lost path: a work account is asked whether the company issued the phone, then goes to
    // the admin question before a request, not to self-service.
    const company = await conversation.text(submit({ node: 'lost.account', value: 'work' }));
    expect(company).toContain(say(locale, 'diag.lost.company.prompt'));
    const next = await conversation.text(submit({ node: 'lost.work.company', value: 'no' }));
    expect(next).toContain(say(locale, 'diag.work.admin.prompt'));
  });

  it('"stolen" together with the account skips both questions', async () => {
    const text = {
      ja: '個人用の Microsoft アカウントに使っていた携帯電話を盗まれました',
      en: 'My phone was stolen, it is for my personal account',
    }[locale];
    const reply = await chat(locale).text(text);
    expect(reply).toContain(say(locale, 'diag.lost.personal.title'));
    expect(reply).toContain(say(locale, 'diag.personal.canSignIn.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
  });

  it('"lost" typed at the old-phone question turns to the lost-phone path', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    await conversation.text(submit({ node: 'start', value: 'changed' }));
    const reply = await conversation.text({ ja: 'いいえ、なくしました', en: 'No, it was stolen' }[locale]);
    expect(reply).toContain(understood(locale, 'diag.start.opt.lost'));
    await conversation.text(submit({ node: 'lost.account', value: 'work' }));
    await conversation.text(submit({ node: 'lost.work.company', value: 'no' }));
    await conversation.text(submit({ node: 'lost.work.admin', value: 'no' }));
    await conversation.text('090-1234-5678');
    await conversation.text(intake('verification', 'video_call'));
    await conversation.text('stolen');
    await conversation.text(intake('confirm', 'submit'));
    const open = await app.requests.findOpenByRequester(HANAKO.aadObjectId);
    expect(open?.request.diagnosis).toMatchObject({ situation: 'S1b', lostOrStolen: true });
  });
});

describe.each(['ja', 'en'] as const)('a lost company phone in the first message (%s)', (locale) => {
  it('answers the company-phone question too: the report advice, then the admin question', async () => {
    const text = { ja: '会社のスマホをなくしました', en: 'I lost my company phone' }[locale];
    const reply = await chat(locale).text(text);
    expect(reply).toContain(understood(locale, 'diag.start.opt.lost'));
    expect(reply).toContain(understood(locale, 'diag.lost.company.opt.yes'));
    expect(reply).toContain(say(locale, 'diag.lost.report.title'));
    expect(reply).toContain(say(locale, 'diag.work.admin.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.lost.company.prompt'));
  });

  it('"my own phone" typed at the account question skips the company-phone question', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'スマホをなくしました', en: 'I lost my phone' }[locale]);
    const noted = await conversation.text({ ja: '自分のスマホです', en: 'It was my own phone' }[locale]);
    expect(noted).toContain(say(locale, 'dialog.noted'));
    expect(noted).toContain(say(locale, 'diag.account.prompt'));
    const reply = await conversation.text(submit({ node: 'lost.account', value: 'work' }));
    expect(reply).toContain(understood(locale, 'diag.lost.company.opt.no'));
    expect(reply).not.toContain(say(locale, 'diag.lost.report.title'));
    expect(reply).toContain(say(locale, 'diag.work.admin.prompt'));
  });

  it('the company account alone does not say who owns the phone', async () => {
    const text = {
      ja: '会社のアカウントに使っていたスマホをなくしました',
      en: 'I lost the phone for my company account',
    }[locale];
    const reply = await chat(locale).text(text);
    expect(reply).toContain(say(locale, 'diag.lost.company.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
  });
});

describe.each(['ja', 'en'] as const)('"personal" or "work" typed early (%s)', (locale) => {
  it('typed at the first question is kept and skips the account question', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    const noted = await conversation.text(
      { ja: '個人アカウントです', en: 'It is my personal account' }[locale],
    );
    expect(noted).toContain(say(locale, 'dialog.noted'));
    expect(noted).toContain(say(locale, 'diag.start.prompt'));
    await conversation.text(submit({ node: 'start', value: 'changed' }));
    const reply = await conversation.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    expect(reply).toContain(understood(locale, 'diag.account.opt.personal'));
    expect(reply).toContain(say(locale, 'diag.personal.canSignIn.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
  });

  it('in the first message, with what happened, skips both questions', async () => {
    const text = {
      ja: '仕事用のアカウントです。機種変更しました',
      en: 'I got a new phone for my work account',
    }[locale];
    const conversation = chat(locale);
    expect(await conversation.text(text)).toContain(say(locale, 'diag.changed.oldPhone.prompt'));
    const reply = await conversation.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    expect(reply).toContain(say(locale, 'diag.work.otherMethod.prompt'));
    expect(reply).not.toContain(say(locale, 'diag.account.prompt'));
  });
});

describe('"work" in a sentence that is not about the account', () => {
  it('"doesn\'t work" does not answer the account question', async () => {
    const conversation = chat('en');
    await conversation.text('hello');
    await conversation.text(submit({ node: 'start', value: 'changed' }));
    expect(await conversation.text("No, it doesn't work any more")).toContain(
      say('en', 'diag.account.prompt'),
    );
  });
});

describe.each(['ja', 'en'] as const)('a number typed at the situation step (%s)', (locale) => {
  const text = {
    ja: '機種変更しました。新しい番号は ０９０－１２３４－５６７８ です',
    en: 'I have a new phone, the new number is +81 90 1234 5678',
  }[locale];

  it('is kept for the intake, shown in both forms, and not asked for again', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    expect(await conversation.text(text)).toContain(say(locale, 'diag.changed.oldPhone.prompt'));
    await conversation.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    await conversation.text(submit({ node: 'changed.noOld.account', value: 'work' }));
    await conversation.text(submit({ node: 'work.otherMethod', value: 'no' }));
    const intakeStart = await conversation.text(submit({ node: 'work.admin', value: 'no' }));
    expect(intakeStart).toContain(
      say(locale, 'intake.phone.fromEarlier')
        .replace('{national}', '090-1234-5678')
        .replace('{international}', '+81 90-1234-5678'),
    );
    expect(intakeStart).toContain(say(locale, 'intake.verification.prompt'));
    expect(intakeStart).not.toContain(say(locale, 'intake.phone.prompt'));

    await conversation.text(intake('verification', 'video_call'));
    const confirmation = await conversation.text('new phone');
    expect(confirmation).toContain('090-1234-5678 (+81 90-1234-5678)');
    const filed = await conversation.text(intake('confirm', 'submit'));
    const id = /REQ-[2-9A-HJ-NP-Z]{6}/.exec(filed)?.[0] ?? '';
    const stored = await app.requests.get(id);
    expect(stored?.request.newPhone).toMatchObject({ graph: '+81 9012345678', lastTwo: '78' });
    expect(botStateText()).not.toMatch(/9012345678|1234-5678|1234 5678/);
  });

  it('can still be changed on the confirmation', async () => {
    const conversation = chat(locale);
    await conversation.text(text);
    await conversation.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    await conversation.text(submit({ node: 'changed.noOld.account', value: 'work' }));
    await conversation.text(submit({ node: 'work.otherMethod', value: 'no' }));
    await conversation.text(submit({ node: 'work.admin', value: 'no' }));
    await conversation.text(intake('verification', 'manager'));
    await conversation.text('new phone');
    expect(await conversation.text(intake('confirm', 'editPhone'))).toContain(
      say(locale, 'intake.phone.prompt'),
    );
    expect(await conversation.text('080-9876-5432')).toContain('080-9876-5432 (+81 80-9876-5432)');
  });

  it('typed alone as the first message is noted and kept, and the first question asked', async () => {
    const conversation = chat(locale);
    const reply = await conversation.text('090-1234-5678');
    expect(reply).toContain(say(locale, 'dialog.noted'));
    expect(reply).toContain(say(locale, 'diag.start.prompt'));
    await conversation.text(submit({ node: 'start', value: 'changed' }));
    await conversation.text(submit({ node: 'changed.oldPhone', value: 'no' }));
    await conversation.text(submit({ node: 'changed.noOld.account', value: 'work' }));
    await conversation.text(submit({ node: 'work.otherMethod', value: 'no' }));
    const intakeStart = await conversation.text(submit({ node: 'work.admin', value: 'no' }));
    expect(intakeStart).toContain('+81 90-1234-5678');
    expect(intakeStart).not.toContain(say(locale, 'intake.phone.prompt'));
  });

  it('is dropped from state as soon as the walk can no longer end in a request', async () => {
    const conversation = chat(locale);
    await conversation.text(text);
    // Kept for the intake, sealed: bot state never holds the number readable (src/domain/phone-seal.ts).
    expect(botStateText()).toMatch(/"phone":\{"sealed":"v1\./);
    expect(botStateText()).not.toMatch(/9012345678|1234-5678/);
    // The old phone still works: self-service follows, and no request.
    await conversation.text(submit({ node: 'changed.oldPhone', value: 'yes' }));
    expect(botStateText()).not.toMatch(/9012345678|1234-5678|"sealed"/);
  });
});

describe('a number typed where no request can follow', () => {
  it('is never kept', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    await conversation.text(submit({ node: 'start', value: 'backup' }));
    await conversation.text('個人用です。番号は 090-1234-5678 です');
    expect(botStateText()).not.toMatch(/9012345678|1234-5678/);
  });
});

/** The buttons of the cards in a reply: what each shows and the data it sends. */
function buttons(reply: ReadonlyArray<Partial<Activity>>): Array<{ title: string; data: unknown }> {
  const found: Array<{ title: string; data: unknown }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Submit' && typeof record.title === 'string')
        found.push({ title: record.title, data: record.data });
      Object.values(record).forEach(walk);
    }
  };
  walk(reply.map((activity) => activity.attachments?.map((attachment) => attachment.content)));
  return found;
}

describe.each(['ja', 'en'] as const)('a free-text question the bot cannot place (%s)', (locale) => {
  const question = {
    ja: 'コードが届かないのですが、どうすればいいですか？',
    en: 'What should I do about the codes?',
  }[locale];

  it('gets the closest choice as a button, which answers the question', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    const offer = await conversation.say(question);
    const text = offer.map(visibleText).join('\n');
    expect(text).toContain(say(locale, 'dialog.closest.prompt'));
    expect(text).not.toContain(say(locale, 'dialog.chooseOption'));
    expect(buttons(offer).map((button) => button.title)).toEqual([
      say(locale, 'diag.start.opt.oldNumber'),
      say(locale, 'dialog.closest.showAll'),
    ]);

    const [closest] = buttons(offer);
    const next = await conversation.text({ value: closest?.data });
    expect(next).toContain(say(locale, 'diag.account.prompt'));
  });

  it('"other choices" shows the whole question again', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    const offer = await conversation.say(question);
    const showAll = buttons(offer).find((button) => button.title === say(locale, 'dialog.closest.showAll'));
    const all = await conversation.text({ value: showAll?.data });
    expect(all).toContain(say(locale, 'diag.start.prompt'));
    expect(all).toContain(say(locale, 'diag.start.opt.backup'));
    expect(all).not.toContain(say(locale, 'dialog.chooseOption'));
  });

  it('text that comes close to nothing still asks to choose from the whole list', async () => {
    const conversation = chat(locale);
    await conversation.text({ ja: 'こんにちは', en: 'hello' }[locale]);
    const reply = await conversation.text('banana split');
    expect(reply).toContain(say(locale, 'dialog.chooseOption'));
    expect(reply).toContain(say(locale, 'diag.start.prompt'));
  });
});

describe('a question close to several choices', () => {
  it('offers the ones that match best, best first', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    const offer = await conversation.say('携帯の番号を変えるにはどうすればいいですか？');
    expect(buttons(offer).map((button) => button.title)).toEqual([
      say('ja', 'diag.start.opt.changed'),
      say('ja', 'diag.start.opt.oldNumber'),
      say('ja', 'dialog.closest.showAll'),
    ]);
  });

  it('a sentence naming two choices gets those two, not a guess', async () => {
    const conversation = chat('en');
    await conversation.text('hello');
    const offer = await conversation.say('I have a new phone and want to add a backup method');
    expect(buttons(offer).map((button) => button.title)).toEqual([
      say('en', 'diag.start.opt.changed'),
      say('en', 'diag.start.opt.backup'),
      say('en', 'dialog.closest.showAll'),
    ]);
  });
});
