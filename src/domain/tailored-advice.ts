import type { TailoredKey } from '../i18n/tailored.en';
import type { AuthMethod, AuthMethodType } from './auth-methods';
import type { DiagnosisFacts, NodeId } from './diagnosis-map';
import { redactText } from './redaction';

/**
 * Advice tailored to the sign-in methods a person has registered (DESIGN.md section 2: "where Graph
 * read access is configured, tailor the steps to what the person actually has registered").
 * Pure: the dialog looks the methods up once per diagnosis and asks here which notes to show.
 * The notes never change the route through the map; they only help the person answer and act.
 */

/** What the diagnosis keeps of a registered method: its type and device name, never a number. */
export interface RegisteredMethod {
  type: AuthMethodType;
  device?: string;
}

/** The lookup's outcome, kept in the diagnosis position so the directory is asked once. */
export type RegisteredMethods = { status: 'known'; methods: RegisteredMethod[] } | { status: 'unavailable' };

/** The nodes that show tailored notes. */
export type TailoredStage = 'otherMethod' | 'selfService';

export interface TailoredNote {
  key: TailoredKey;
  params: Record<string, string>;
}

export interface TailoredAdvice {
  /** Absent when there is nothing to head (the lookup failed: one plain line says so). */
  titleKey?: TailoredKey;
  notes: TailoredNote[];
}

const STAGES: ReadonlyMap<NodeId, TailoredStage> = new Map([
  ['work.otherMethod', 'otherMethod'],
  ['work.selfService', 'selfService'],
]);

export function tailoredStageOf(nodeId: NodeId): TailoredStage | undefined {
  return STAGES.get(nodeId);
}

/** Device names are chosen by people; cut long ones and mask anything that looks like a number. */
const MAX_DEVICE_NAME = 60;
/** A `${` in a card would make the card renderer refuse the whole card. */
const TEMPLATE_CHARS = /[${}]/g;

/** Keeps only what the notes need; the masked phone or e-mail detail is dropped on purpose. */
export function registeredFrom(methods: readonly AuthMethod[]): RegisteredMethod[] {
  return methods.map((method) => {
    const device = method.displayName?.trim();
    return device
      ? {
          type: method.type,
          device: redactText(device.replace(TEMPLATE_CHARS, '')).slice(0, MAX_DEVICE_NAME),
        }
      : { type: method.type };
  });
}

type NamedMethod = 'microsoftAuthenticator' | 'windowsHelloForBusiness' | 'fido2';

const NAMED_KEYS: Record<NamedMethod, { named: TailoredKey; unnamed: TailoredKey }> = {
  microsoftAuthenticator: {
    named: 'tailored.authenticator.named',
    unnamed: 'tailored.authenticator.unnamed',
  },
  windowsHelloForBusiness: { named: 'tailored.windowsHello.named', unnamed: 'tailored.windowsHello.unnamed' },
  fido2: { named: 'tailored.fido2.named', unnamed: 'tailored.fido2.unnamed' },
};

/** Methods that reach the sign-in screen through "Sign in another way" rather than by default. */
const BEHIND_SIGN_IN_ANOTHER_WAY: readonly AuthMethodType[] = [
  'fido2',
  'softwareOath',
  'alternateMobile',
  'office',
];

/** Methods besides the mobile number that can pass MFA; e-mail and password cannot (Microsoft docs). */
const SECOND_METHODS: readonly AuthMethodType[] = [
  'microsoftAuthenticator',
  'windowsHelloForBusiness',
  'fido2',
  'softwareOath',
  'alternateMobile',
  'office',
  'temporaryAccessPass',
];

function note(key: TailoredKey, params: Record<string, string> = {}): TailoredNote {
  return { key, params };
}

function namedNote(type: NamedMethod, methods: readonly RegisteredMethod[]): TailoredNote {
  // Several devices of one kind (two phones with Authenticator) share one note.
  const devices = [
    ...new Set(methods.filter((method) => method.type === type).flatMap((method) => method.device ?? [])),
  ];
  return devices.length > 0
    ? note(NAMED_KEYS[type].named, { name: devices.join(' / ') })
    : note(NAMED_KEYS[type].unnamed);
}

/**
 * Which notes the person sees at `stage`, given what they answered so far (`facts`) and what the
 * directory says they registered. Order: the way most likely to work first.
 */
export function tailoredAdvice(
  stage: TailoredStage,
  facts: DiagnosisFacts,
  registered: RegisteredMethods,
): TailoredAdvice {
  if (registered.status === 'unavailable') return { notes: [note('tailored.unavailable')] };
  const { methods } = registered;
  const has = (type: AuthMethodType): boolean => methods.some((method) => method.type === type);
  const notes: TailoredNote[] = [];

  if (stage === 'selfService' && facts.oldPhoneInHand === true && has('mobile')) {
    notes.push(note('tailored.oldPhone'));
  }
  if (has('microsoftAuthenticator')) {
    notes.push(namedNote('microsoftAuthenticator', methods));
    // They said the old phone no longer works; without its SIM it may still approve over Wi-Fi.
    if (stage === 'otherMethod' && facts.oldPhoneInHand === false)
      notes.push(note('tailored.authenticator.wifi'));
  }
  if (has('windowsHelloForBusiness')) {
    notes.push(namedNote('windowsHelloForBusiness', methods), note('tailored.windowsHello.then'));
  }
  if (has('fido2')) notes.push(namedNote('fido2', methods));
  if (has('softwareOath')) notes.push(note('tailored.softwareOath'));
  if (has('alternateMobile')) notes.push(note('tailored.alternateMobile'));
  if (has('office')) notes.push(note('tailored.office'));
  if (has('temporaryAccessPass')) notes.push(note('tailored.temporaryAccessPass'));
  if (BEHIND_SIGN_IN_ANOTHER_WAY.some(has)) notes.push(note('tailored.signInAnotherWay'));

  const secondMethod = SECOND_METHODS.some(has);
  if (!secondMethod) {
    // E-mail is what people most often take for a second method.
    if (has('email')) notes.push(note('tailored.emailNotMfa'));
    if (stage === 'otherMethod') {
      notes.push(note(has('mobile') ? 'tailored.onlyChangedPhone' : 'tailored.noMfaMethod'));
    } else if (facts.oldPhoneInHand !== true) {
      notes.push(note('tailored.selfService.nothingElse'));
    }
  } else if (stage === 'otherMethod') {
    notes.push(note('tailored.otherMethod.tryThese'));
  }
  return { titleKey: 'tailored.title', notes };
}
