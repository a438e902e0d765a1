import type { AuthMethod, AuthMethodType } from './auth-methods';
import { DEFAULT_METHOD_TYPES, isResetMethodType, RESET_ACTIONS } from './approver-choices';
import { toPhoneNumber, type PhoneNumber } from './phone';
import type {
  Diagnosis,
  FullPhone,
  RedactedPhone,
  RequestDecision,
  ResetAction,
  ResetMethodType,
} from './reset-request';
import { tapLifetime } from './tap-lifetime';

/**
 * What the executor does for an approved request, in order (DESIGN.md section 3). Pure: the
 * executor records each step on the request and resumes from those records after a crash.
 */

export const STEP_NAMES = [
  /**
   * Changed phone with a pass: waits until the requester typed the release code the approver read
   * out on the verification call. Nothing changes in the directory before that.
   */
  'awaitReleaseCode',
  /** Re-reads the target's roles right before the first change: a role granted after approval counts. */
  'checkPrivilege',
  'revokeSessions',
  'deleteMethods',
  'setMobile',
  'createPass',
  /**
   * Not planned: a repair taken when a pass exists whose value no running worker holds (a crash
   * after the create), so that only the pass created next is valid.
   */
  'deletePass',
  'verifyEndState',
  'showPassToRequester',
  'showPassToApprover',
  /** Changed phone: waits for "I have noted it" (or a timeout) before sessions are revoked. */
  'awaitPassNoted',
  'notices',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

/** Steps that change the directory; the others only read it or talk to people. */
export const DIRECTORY_CHANGING_STEPS: ReadonlySet<StepName> = new Set<StepName>([
  'revokeSessions',
  'deleteMethods',
  'setMobile',
  'createPass',
  'deletePass',
]);

export type PassAudience = 'requester' | 'approver';

export interface ResetPlan {
  action: ResetAction;
  lostOrStolen: boolean;
  steps: readonly StepName[];
  /** What `deleteMethods` removes, in the port's terms; empty when the plan deletes nothing. */
  deleteTypes: readonly AuthMethodType[];
  /**
   * Set when the plan issues a Temporary Access Pass. It is created before anything is deleted, so a
   * refused create leaves the person with what they had; Graph replaces any older pass with it.
   */
  pass?: { audience: PassAudience; lifetimeMinutes: number };
  /** Replace phone: the number the mobile method must hold afterwards. */
  newMobile?: PhoneNumber;
}

export type PlanRefusal =
  | 'NO_DECISION'
  | 'UNKNOWN_ACTION'
  | 'UNKNOWN_METHOD_TYPE'
  | 'NO_METHOD_TYPES'
  | 'NOT_CONFIRMED_BY_CALLBACK'
  | 'NO_PHONE_NUMBER';

export type PlanResult = { ok: true; plan: ResetPlan } | { ok: false; refusal: PlanRefusal };

export interface PlanInput {
  decision: RequestDecision | undefined;
  diagnosis: Pick<Diagnosis, 'lostOrStolen'>;
  /** Absent when a lost or stolen phone was reported before there was a new number. */
  newPhone?: FullPhone | RedactedPhone;
}

export interface PlanOptions {
  /** HELPDESK_TAP_MAX_LIFETIME_MINUTES. */
  tapMaxLifetimeMinutes: number;
}

const AUTH_TYPES_BY_RESET_TYPE: Readonly<Record<ResetMethodType, readonly AuthMethodType[]>> = {
  phone: ['mobile', 'alternateMobile', 'office'],
  microsoftAuthenticator: ['microsoftAuthenticator'],
  softwareOath: ['softwareOath'],
  windowsHelloForBusiness: ['windowsHelloForBusiness'],
  fido2: ['fido2'],
};

/**
 * The port's method types for the approver's ticks. A pass from before the reset is deleted too: the
 * end state allows only the new one, and an older pass may be in someone else's hands.
 */
export function authMethodTypesFor(types: readonly ResetMethodType[]): AuthMethodType[] {
  const wanted = new Set<AuthMethodType>(['temporaryAccessPass']);
  for (const type of types) {
    for (const authType of AUTH_TYPES_BY_RESET_TYPE[type]) wanted.add(authType);
  }
  return [...wanted];
}

export function planReset(input: PlanInput, options: PlanOptions): PlanResult {
  const decision = input.decision;
  if (decision === undefined) return { ok: false, refusal: 'NO_DECISION' };
  const action = decision.action ?? 're_register';
  if (!RESET_ACTIONS.includes(action)) return { ok: false, refusal: 'UNKNOWN_ACTION' };
  const lostOrStolen = input.diagnosis.lostOrStolen;

  if (action === 'replace_phone') {
    if (decision.confirmedByCallback !== true) return { ok: false, refusal: 'NOT_CONFIRMED_BY_CALLBACK' };
    const graph = input.newPhone?.graph;
    const newMobile = graph === undefined ? undefined : toPhoneNumber(graph);
    if (newMobile === undefined) return { ok: false, refusal: 'NO_PHONE_NUMBER' };
    return {
      ok: true,
      plan: {
        action,
        lostOrStolen,
        steps: lostOrStolen
          ? ['checkPrivilege', 'revokeSessions', 'setMobile', 'verifyEndState', 'notices']
          : ['checkPrivilege', 'setMobile', 'verifyEndState', 'notices'],
        deleteTypes: [],
        newMobile,
      },
    };
  }

  const ticked = decision.methodTypes ?? DEFAULT_METHOD_TYPES;
  if (!ticked.every(isResetMethodType)) return { ok: false, refusal: 'UNKNOWN_METHOD_TYPE' };
  if (ticked.length === 0) return { ok: false, refusal: 'NO_METHOD_TYPES' };
  const deleteTypes = authMethodTypesFor(ticked);

  if (action === 're_register_without_tap') {
    return {
      ok: true,
      plan: {
        action,
        lostOrStolen,
        steps: lostOrStolen
          ? ['checkPrivilege', 'revokeSessions', 'deleteMethods', 'verifyEndState', 'notices']
          : ['checkPrivilege', 'deleteMethods', 'revokeSessions', 'verifyEndState', 'notices'],
        deleteTypes,
      },
    };
  }

  const lifetimeMinutes = tapLifetime(options.tapMaxLifetimeMinutes).clamp(decision.tapLifetimeMinutes);
  // The pass comes first: a tenant whose pass policy refuses it (off, a guest, the lifetime) must
  // not be left with its methods deleted and nothing to sign in with. Creating it replaces any older
  // pass, so the deletes leave passes alone. The methods are read back right after the deletes and
  // before anyone sees the pass: once the person holds it they register new methods with it, which
  // a later read would count as leftovers.
  const withoutPasses = deleteTypes.filter((type) => type !== 'temporaryAccessPass');
  return {
    ok: true,
    plan: lostOrStolen
      ? {
          action,
          lostOrStolen,
          steps: [
            'checkPrivilege',
            'revokeSessions',
            'createPass',
            'deleteMethods',
            'verifyEndState',
            'showPassToApprover',
            'notices',
          ],
          deleteTypes: withoutPasses,
          pass: { audience: 'approver', lifetimeMinutes },
        }
      : {
          action,
          lostOrStolen,
          steps: [
            'awaitReleaseCode',
            'checkPrivilege',
            'createPass',
            'deleteMethods',
            'verifyEndState',
            'showPassToRequester',
            'awaitPassNoted',
            'revokeSessions',
            'notices',
          ],
          deleteTypes: withoutPasses,
          pass: { audience: 'requester', lifetimeMinutes },
        },
  };
}

/** Whether approving this decision issues a release code (changed phone, a pass for the requester). */
export function needsReleaseCode(
  decision: Pick<RequestDecision, 'action'>,
  diagnosis: Pick<Diagnosis, 'lostOrStolen'>,
): boolean {
  return (decision.action ?? 're_register') === 're_register' && !diagnosis.lostOrStolen;
}

export interface EndStateReading {
  methods: readonly Pick<AuthMethod, 'type' | 'id'>[];
  /** From `readBackEndState` with `expectMobile`; undefined for the other actions. */
  mobileMatchesExpected: boolean | undefined;
  /** The pass this request created, if any. */
  passMethodId: string | undefined;
}

/**
 * What should not be there after the plan ran (the `remaining` of a PARTIAL request); empty when the
 * end state is right. After a re-register only the password, the kept types and this request's own
 * pass may remain; after replace phone the mobile method must hold the new number.
 */
export function endStateProblems(plan: ResetPlan, reading: EndStateReading): string[] {
  if (plan.action === 'replace_phone') {
    return reading.mobileMatchesExpected === true ? [] : ['mobile'];
  }
  const deleted = new Set(plan.deleteTypes);
  // With a pass planned, exactly that pass may remain; any other was meant to be replaced by it.
  if (plan.pass !== undefined) deleted.add('temporaryAccessPass');
  const problems: string[] = [];
  for (const method of reading.methods) {
    if (!deleted.has(method.type)) continue;
    if (
      method.type === 'temporaryAccessPass' &&
      plan.pass !== undefined &&
      method.id === reading.passMethodId
    ) {
      continue;
    }
    if (!problems.includes(method.type)) problems.push(method.type);
  }
  if (
    plan.pass !== undefined &&
    reading.passMethodId !== undefined &&
    !reading.methods.some((m) => m.type === 'temporaryAccessPass' && m.id === reading.passMethodId)
  ) {
    // Our pass is gone or was replaced: the person would be handed a value that no longer works.
    if (!problems.includes('temporaryAccessPass')) problems.push('temporaryAccessPass');
  }
  return problems;
}
