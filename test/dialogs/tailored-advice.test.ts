import { Writable } from 'node:stream';
import type { Locale } from '../../src/config';
import { buildApp } from '../../src/app';
import { createLogger } from '../../src/log';
import type { App } from '../../src/app';
import { catalogues } from '../../src/i18n/catalogues';
import type { TailoredKey } from '../../src/i18n/tailored.en';
import type { AuthMethod } from '../../src/ports/directory';
import { getNode } from '../../src/domain/diagnosis-map';
import { METHODS_LOOKUP_TIMEOUT_MS } from '../../dialogs/diagnosis-dialog';
import { FakeDirectory, registeredMethod as method } from '../fakes/fake-directory';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit, type Choice } from '../support/diagnosis-paths';
import { HANAKO, type TeamsUser } from '../support/teams-activity';
import { DEMO, testConfig } from '../support/test-config';

/**
 * The diagnosis, driven as a real conversation, tailors the work/school "other method" question and
 * the self-service advice to the methods the directory lists for the person — and still works, and
 * says so, when the directory cannot be read.
 */

const LOCALES: Array<[Locale, string]> = [
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
];

/** Every tailored message, to check that the ones that do not apply are absent. */
const ALL_KEYS = Object.keys(catalogues.en).filter((key) => key.startsWith('tailored.')) as TailoredKey[];

let directory: FakeDirectory;
let app: App;
let counter = 0;
beforeAll(() => {
  directory = new FakeDirectory();
  app = conversationApp({}, undefined, directory);
});
afterAll(() => app.close());
beforeEach(() => {
  directory.unavailable = false;
  directory.stalled = false;
  directory.listMethodsCalls.length = 0;
});

/** A fresh Teams id each time, so a language chosen in one test is not remembered in the next. */
function chat(activityLocale: string, user: TeamsUser = HANAKO): Conversation {
  counter += 1;
  return new Conversation(
    app,
    { ...user, id: `${user.id}-${counter}` },
    activityLocale,
    `a:tailored-${counter}`,
  );
}

/** New number, the old phone no longer works, work account: the case this feature is for. */
const OLD_PHONE_GONE: Choice[] = [
  { node: 'start', value: 'changed' },
  { node: 'changed.oldPhone', value: 'no' },
  { node: 'changed.noOld.account', value: 'work' },
];

/** Opens the chat and presses the buttons; returns what was shown at the last step. */
async function press(conversation: Conversation, locale: Locale, choices: Choice[]): Promise<string> {
  await conversation.text(locale === 'ja' ? 'こんにちは' : 'hello');
  let last = '';
  for (const choice of choices) last = await conversation.text(submit(choice));
  return last;
}

/** The shortest way to `node` (for the other-method question: "codes still go to my old number"). */
function walkTo(conversation: Conversation, locale: Locale, node: string): Promise<string> {
  return press(conversation, locale, pathTo(node));
}

function text(locale: Locale, key: TailoredKey, params: Record<string, string> = {}): string {
  return Object.entries(params).reduce(
    (message, [name, value]) => message.replace(`{${name}}`, value),
    catalogues[locale][key],
  );
}

function register(...methods: AuthMethod[]): void {
  directory.methods.set(DEMO.users.hanako, [method('password'), ...methods]);
}

interface Combination {
  name: string;
  methods: () => AuthMethod[];
  shown: Array<[TailoredKey, Record<string, string>?]>;
}

const AT_OTHER_METHOD: Combination[] = [
  {
    name: 'Authenticator + mobile',
    methods: () => [method('mobile'), method('microsoftAuthenticator', 'iPhone 15')],
    shown: [
      ['tailored.authenticator.named', { name: 'iPhone 15' }],
      ['tailored.authenticator.wifi'],
      ['tailored.otherMethod.tryThese'],
    ],
  },
  {
    name: 'Windows Hello + Authenticator + mobile',
    methods: () => [
      method('mobile'),
      method('microsoftAuthenticator', 'iPhone 15'),
      method('windowsHelloForBusiness', 'HANAKO-PC'),
    ],
    shown: [
      ['tailored.authenticator.named', { name: 'iPhone 15' }],
      ['tailored.authenticator.wifi'],
      ['tailored.windowsHello.named', { name: 'HANAKO-PC' }],
      ['tailored.windowsHello.then'],
      ['tailored.otherMethod.tryThese'],
    ],
  },
  {
    name: 'mobile + alternate mobile only',
    methods: () => [method('mobile'), method('alternateMobile')],
    shown: [['tailored.alternateMobile'], ['tailored.signInAnotherWay'], ['tailored.otherMethod.tryThese']],
  },
  {
    name: 'FIDO2 key + mobile',
    methods: () => [method('mobile'), method('fido2', 'YubiKey 5C NFC')],
    shown: [
      ['tailored.fido2.named', { name: 'YubiKey 5C NFC' }],
      ['tailored.signInAnotherWay'],
      ['tailored.otherMethod.tryThese'],
    ],
  },
  {
    name: 'only the mobile number that changed',
    methods: () => [method('mobile')],
    shown: [['tailored.onlyChangedPhone']],
  },
  {
    name: 'email only',
    methods: () => [method('email')],
    shown: [['tailored.emailNotMfa'], ['tailored.noMfaMethod']],
  },
];

function expectExactly(seen: string, locale: Locale, shown: Combination['shown']): void {
  const expected = new Set(shown.map(([key]) => key));
  for (const [key, params] of shown) expect(seen).toContain(text(locale, key, params));
  for (const key of ALL_KEYS) {
    // Only the body of other notes: their {name} part may differ.
    if (expected.has(key) || key === 'tailored.title') continue;
    const fixed = catalogues[locale][key].split('{name}').sort((a, b) => b.length - a.length)[0] ?? '';
    expect(seen).not.toContain(fixed);
  }
}

describe.each(LOCALES)('tailored notes in %s', (locale, activityLocale) => {
  it.each(AT_OTHER_METHOD)('"can you still pass MFA another way?" with $name', async ({ methods, shown }) => {
    register(...methods());
    const seen = await press(chat(activityLocale), locale, OLD_PHONE_GONE);
    const question = getNode('work.otherMethod');
    if (question.kind !== 'question') throw new Error('work.otherMethod is a question');
    expect(seen).toContain(catalogues[locale][question.promptKey]);
    expect(seen).toContain(catalogues[locale]['tailored.title']);
    expectExactly(seen, locale, shown);
    expect(directory.listMethodsCalls).toEqual([DEMO.users.hanako]);
  });

  it('self-service advice with the old phone in hand: the old number first, then the app', async () => {
    register(method('mobile'), method('microsoftAuthenticator', 'iPhone 15'));
    const seen = await walkTo(chat(activityLocale), locale, 'work.selfService');
    expect(seen).toContain(catalogues[locale]['diag.work.selfService.title']);
    expectExactly(seen, locale, [
      ['tailored.oldPhone'],
      ['tailored.authenticator.named', { name: 'iPhone 15' }],
    ]);
    // The notes come before the steps they help with.
    expect(seen.indexOf(catalogues[locale]['tailored.oldPhone'])).toBeLessThan(
      seen.indexOf(catalogues[locale]['diag.work.selfService.step.open']),
    );
  });

  it('self-service advice after "another way works" with Windows Hello', async () => {
    register(method('mobile'), method('windowsHelloForBusiness', 'HANAKO-PC'));
    const conversation = chat(activityLocale);
    await walkTo(conversation, locale, 'work.otherMethod');
    const seen = await conversation.text(submit({ node: 'work.otherMethod', value: 'yes' }));
    expect(seen).toContain(catalogues[locale]['diag.work.selfService.title']);
    expectExactly(seen, locale, [
      ['tailored.windowsHello.named', { name: 'HANAKO-PC' }],
      ['tailored.windowsHello.then'],
    ]);
    expect(seen).toContain('https://mysignins.microsoft.com/security-info');
  });

  it('nothing about registered methods elsewhere in the diagnosis (personal account)', async () => {
    register(method('mobile'), method('microsoftAuthenticator', 'iPhone 15'));
    const seen = await walkTo(chat(activityLocale), locale, 'personal.steps');
    expect(seen).not.toContain(catalogues[locale]['tailored.title']);
    expect(directory.listMethodsCalls).toEqual([]);
  });

  it('Graph down: one line says so, and the diagnosis still reaches the request intake', async () => {
    directory.unavailable = true;
    const conversation = chat(activityLocale);
    const question = await walkTo(conversation, locale, 'work.otherMethod');
    expect(question).toContain(catalogues[locale]['tailored.unavailable']);
    expect(question).not.toContain(catalogues[locale]['tailored.title']);
    expect(question).toContain(catalogues[locale]['diag.work.otherMethod.opt.no']);
    await conversation.text(submit({ node: 'work.otherMethod', value: 'no' }));
    const intake = await conversation.text(submit({ node: 'work.admin', value: 'no' }));
    expect(intake).toContain(catalogues[locale]['diag.work.file.title']);
    expect(intake).toContain(catalogues[locale]['intake.phone.prompt']);
    expect(directory.listMethodsCalls).toEqual([DEMO.users.hanako]);
  });
});

describe('the directory is asked once per diagnosis', () => {
  it('not again on a re-shown question, a language switch, or the self-service advice', async () => {
    register(method('mobile'), method('microsoftAuthenticator', 'iPhone 15'));
    const conversation = chat('ja-JP');
    await walkTo(conversation, 'ja', 'work.otherMethod');
    expect(directory.listMethodsCalls).toHaveLength(1);

    // A click on an old card: "already answered", and the question again with its notes, from the cache.
    const again = await conversation.text(submit({ node: 'start', value: 'changed' }));
    expect(again).toContain(catalogues.ja['dialog.alreadyAnswered']);
    expect(again).toContain(text('ja', 'tailored.authenticator.named', { name: 'iPhone 15' }));
    const english = await conversation.text('English');
    expect(english).toContain(text('en', 'tailored.authenticator.named', { name: 'iPhone 15' }));
    const advice = await conversation.text(submit({ node: 'work.otherMethod', value: 'yes' }));
    expect(advice).toContain(text('en', 'tailored.authenticator.named', { name: 'iPhone 15' }));
    expect(directory.listMethodsCalls).toHaveLength(1);
  });

  it('a new diagnosis (start over) asks again, and sees a method added meanwhile', async () => {
    register(method('mobile'));
    const conversation = chat('en-US');
    expect(await walkTo(conversation, 'en', 'work.otherMethod')).toContain(
      catalogues.en['tailored.onlyChangedPhone'],
    );
    register(method('mobile'), method('fido2', 'YubiKey 5C NFC'));
    await conversation.text('start over');
    let seen = '';
    for (const choice of pathTo('work.otherMethod')) seen = await conversation.text(submit(choice));
    expect(seen).toContain(text('en', 'tailored.fido2.named', { name: 'YubiKey 5C NFC' }));
    expect(seen).not.toContain(catalogues.en['tailored.onlyChangedPhone']);
    expect(directory.listMethodsCalls).toHaveLength(2);
  });
});

describe('when the lookup cannot be made or is slow', () => {
  it('a Teams user without an Entra object id: no lookup, the note says so', async () => {
    const conversation = chat('en-US', { ...HANAKO, id: '29:no-aad', aadObjectId: '' });
    const seen = await walkTo(conversation, 'en', 'work.otherMethod');
    expect(seen).toContain(catalogues.en['tailored.unavailable']);
    expect(directory.listMethodsCalls).toEqual([]);
  });

  it(
    'a directory that never answers holds the chat no longer than the timeout',
    async () => {
      directory.stalled = true;
      const conversation = chat('ja-JP');
      await conversation.text('こんにちは');
      const [last, ...before] = pathTo('work.otherMethod').reverse();
      for (const choice of before.reverse()) await conversation.text(submit(choice));
      const started = Date.now();
      const seen = await conversation.text(submit(last ?? { node: '', value: '' }));
      expect(Date.now() - started).toBeLessThan(METHODS_LOOKUP_TIMEOUT_MS + 1500);
      expect(seen).toContain(catalogues.ja['tailored.unavailable']);
      expect(seen).toContain(catalogues.ja['diag.work.otherMethod.prompt']);
    },
    METHODS_LOOKUP_TIMEOUT_MS + 10_000,
  );
});

describe('the notes point at buttons that exist', () => {
  it.each(LOCALES.map(([locale]) => locale))('%s: quoted answer labels match the real ones', (locale) => {
    const labels = catalogues[locale];
    expect(labels['tailored.otherMethod.tryThese']).toContain(labels['diag.work.otherMethod.opt.yes']);
    expect(labels['tailored.otherMethod.tryThese']).toContain(labels['diag.work.otherMethod.opt.no']);
    expect(labels['tailored.onlyChangedPhone']).toContain(labels['diag.work.otherMethod.opt.no']);
    expect(labels['tailored.noMfaMethod']).toContain(labels['diag.work.otherMethod.opt.no']);
    expect(labels['tailored.selfService.nothingElse']).toContain(labels['diag.close.opt.no']);
  });
});

describe('codes still go to the old number (nothing said about the old phone)', () => {
  it.each(LOCALES)(
    '%s: Authenticator without a device name, and no Wi-Fi hint',
    async (locale, activityLocale) => {
      register(method('mobile'), method('microsoftAuthenticator'));
      const seen = await walkTo(chat(activityLocale), locale, 'work.otherMethod');
      expectExactly(seen, locale, [['tailored.authenticator.unnamed'], ['tailored.otherMethod.tryThese']]);
    },
  );
});

describe('a failed lookup is logged', () => {
  it('with its error code only: no number, no user id, no message from Graph', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const down = new FakeDirectory();
    down.unavailable = true;
    const logged = buildApp(testConfig({ HELPDESK_SQLITE_PATH: ':memory:' }), {
      directory: down,
      createWorker: null,
      logger: createLogger({ level: 'info', destination }),
    });
    try {
      const conversation = new Conversation(logged, HANAKO, 'ja-JP', 'a:tailored-logged');
      await press(conversation, 'ja', OLD_PHONE_GONE);
      const failure = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => String(entry.msg).startsWith('registered sign-in methods not checked'));
      expect(failure).toMatchObject({ level: 'warn', reason: 'UNAVAILABLE' });
      const text = JSON.stringify(failure);
      expect(text).not.toContain(DEMO.users.hanako);
      expect(text).not.toContain('Graph is down');
      expect(text).not.toMatch(/\+81|\*{4}/);
    } finally {
      await logged.close();
    }
  });
});
