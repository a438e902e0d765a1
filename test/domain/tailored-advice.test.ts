import type { DiagnosisFacts } from '../../src/domain/diagnosis-map';
import {
  registeredFrom,
  tailoredAdvice,
  tailoredStageOf,
  type RegisteredMethod,
  type TailoredStage,
} from '../../src/domain/tailored-advice';
import type { TailoredKey } from '../../src/i18n/tailored.en';
import { registeredMethod } from '../fakes/fake-directory';

const OLD_PHONE_GONE: DiagnosisFacts = { situation: 'S1a', account: 'work', oldPhoneInHand: false };
const CODES_TO_OLD_NUMBER: DiagnosisFacts = { situation: 'S2', account: 'work' };
const OLD_PHONE_WORKS: DiagnosisFacts = {
  situation: 'S1a',
  account: 'work',
  oldPhoneInHand: true,
  workingMethod: 'old-phone',
};
const SAID_OTHER_METHOD: DiagnosisFacts = { ...OLD_PHONE_GONE, workingMethod: 'other-method' };

const m = (type: RegisteredMethod['type'], device?: string): RegisteredMethod =>
  device === undefined ? { type } : { type, device };

interface Case {
  name: string;
  stage: TailoredStage;
  facts: DiagnosisFacts;
  methods: RegisteredMethod[];
  keys: TailoredKey[];
  params?: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'Authenticator + mobile, old phone gone: the app (named), Wi-Fi hint, then which answer to pick',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('password'), m('mobile'), m('microsoftAuthenticator', 'iPhone 15')],
    keys: ['tailored.authenticator.named', 'tailored.authenticator.wifi', 'tailored.otherMethod.tryThese'],
    params: { name: 'iPhone 15' },
  },
  {
    name: 'Authenticator without a device name, codes to the old number: no Wi-Fi hint (nothing said about the phone)',
    stage: 'otherMethod',
    facts: CODES_TO_OLD_NUMBER,
    methods: [m('mobile'), m('microsoftAuthenticator')],
    keys: ['tailored.authenticator.unnamed', 'tailored.otherMethod.tryThese'],
  },
  {
    name: 'Windows Hello + Authenticator + mobile',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [
      m('mobile'),
      m('microsoftAuthenticator', 'iPhone 15'),
      m('windowsHelloForBusiness', 'HANAKO-PC'),
      m('password'),
    ],
    keys: [
      'tailored.authenticator.named',
      'tailored.authenticator.wifi',
      'tailored.windowsHello.named',
      'tailored.windowsHello.then',
      'tailored.otherMethod.tryThese',
    ],
  },
  {
    name: 'mobile + alternate mobile only: the alternate phone, behind "Sign in another way"',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('mobile'), m('alternateMobile')],
    keys: ['tailored.alternateMobile', 'tailored.signInAnotherWay', 'tailored.otherMethod.tryThese'],
  },
  {
    name: 'FIDO2 + mobile',
    stage: 'otherMethod',
    facts: CODES_TO_OLD_NUMBER,
    methods: [m('mobile'), m('fido2', 'YubiKey 5C NFC')],
    keys: ['tailored.fido2.named', 'tailored.signInAnotherWay', 'tailored.otherMethod.tryThese'],
    params: { name: 'YubiKey 5C NFC' },
  },
  {
    name: 'software OATH + office phone + TAP',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('softwareOath'), m('office'), m('temporaryAccessPass'), m('mobile')],
    keys: [
      'tailored.softwareOath',
      'tailored.office',
      'tailored.temporaryAccessPass',
      'tailored.signInAnotherWay',
      'tailored.otherMethod.tryThese',
    ],
  },
  {
    name: 'only the mobile number that changed: the request route',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('password'), m('mobile')],
    keys: ['tailored.onlyChangedPhone'],
  },
  {
    name: 'mobile + email: email is not MFA, then the request route',
    stage: 'otherMethod',
    facts: CODES_TO_OLD_NUMBER,
    methods: [m('password'), m('mobile'), m('email')],
    keys: ['tailored.emailNotMfa', 'tailored.onlyChangedPhone'],
  },
  {
    name: 'email only: email is not MFA, and no MFA method at all',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('password'), m('email')],
    keys: ['tailored.emailNotMfa', 'tailored.noMfaMethod'],
  },
  {
    name: 'an unknown method type is not counted as a way in',
    stage: 'otherMethod',
    facts: OLD_PHONE_GONE,
    methods: [m('mobile'), m('other')],
    keys: ['tailored.onlyChangedPhone'],
  },
  {
    name: 'self-service with the old phone still working: the old number first, then the app',
    stage: 'selfService',
    facts: OLD_PHONE_WORKS,
    methods: [m('mobile'), m('microsoftAuthenticator', 'iPhone 15')],
    keys: ['tailored.oldPhone', 'tailored.authenticator.named'],
  },
  {
    name: 'self-service, old phone working, nothing else: just the old number',
    stage: 'selfService',
    facts: OLD_PHONE_WORKS,
    methods: [m('mobile'), m('email')],
    keys: ['tailored.oldPhone', 'tailored.emailNotMfa'],
  },
  {
    name: 'self-service after "another way works" but nothing else is registered: says so',
    stage: 'selfService',
    facts: SAID_OTHER_METHOD,
    methods: [m('mobile')],
    keys: ['tailored.selfService.nothingElse'],
  },
  {
    name: 'self-service with Windows Hello: no question-only notes',
    stage: 'selfService',
    facts: SAID_OTHER_METHOD,
    methods: [m('mobile'), m('windowsHelloForBusiness')],
    keys: ['tailored.windowsHello.unnamed', 'tailored.windowsHello.then'],
  },
];

describe('tailoredAdvice', () => {
  it.each(CASES)('$name', ({ stage, facts, methods, keys, params }) => {
    const advice = tailoredAdvice(stage, facts, { status: 'known', methods });
    expect(advice.titleKey).toBe('tailored.title');
    expect(advice.notes.map((note) => note.key)).toEqual(keys);
    if (params) expect(advice.notes[0]?.params).toEqual(params);
  });

  it('joins several devices of one kind into one note', () => {
    const advice = tailoredAdvice('otherMethod', CODES_TO_OLD_NUMBER, {
      status: 'known',
      methods: [m('microsoftAuthenticator', 'iPhone 15'), m('microsoftAuthenticator', 'iPad'), m('mobile')],
    });
    expect(advice.notes[0]).toEqual({
      key: 'tailored.authenticator.named',
      params: { name: 'iPhone 15 / iPad' },
    });
  });

  it('when the directory could not be read: one line saying so, no heading, nothing else', () => {
    for (const stage of ['otherMethod', 'selfService'] as const) {
      expect(tailoredAdvice(stage, OLD_PHONE_GONE, { status: 'unavailable' })).toEqual({
        notes: [{ key: 'tailored.unavailable', params: {} }],
      });
    }
  });
});

describe('tailoredStageOf', () => {
  it.each([
    ['work.otherMethod', 'otherMethod'],
    ['work.selfService', 'selfService'],
    ['work.admin', undefined],
    ['start', undefined],
    ['personal.steps', undefined],
  ])('%s → %s', (node, stage) => {
    expect(tailoredStageOf(node)).toBe(stage);
  });
});

describe('registeredFrom', () => {
  it('keeps the type and device name only, never the masked number', () => {
    const kept = registeredFrom([
      registeredMethod('mobile'),
      registeredMethod('microsoftAuthenticator', ' iPhone 15 '),
      registeredMethod('email'),
    ]);
    expect(kept).toEqual([
      { type: 'mobile' },
      { type: 'microsoftAuthenticator', device: 'iPhone 15' },
      { type: 'email' },
    ]);
    expect(JSON.stringify(kept)).not.toContain('78');
  });

  it('masks a phone number someone typed into a device name and drops template characters', () => {
    const [named] = registeredFrom([registeredMethod('microsoftAuthenticator', 'Hanako 090-1234-5678 ${x}')]);
    expect(named?.device).not.toContain('1234-5678');
    expect(named?.device).not.toMatch(/[${}]/);
    expect(named?.device).toContain('Hanako');
  });

  it('cuts very long device names', () => {
    const [named] = registeredFrom([registeredMethod('fido2', 'K'.repeat(500))]);
    expect(named?.device?.length).toBeLessThanOrEqual(60);
  });
});
