import type { ResetAction, ResetMethodType, VerificationMethod } from './reset-request';

/**
 * What an approver may choose on the approval card. The card offers these lists and the input
 * reader accepts nothing outside them, so both follow one change here.
 */

/** The verbs an approval card sends; anything else in an invoke is refused. */
export const APPROVAL_VERBS = ['approve', 'deny', 'claim', 'refresh'] as const;
export type ApprovalVerb = (typeof APPROVAL_VERBS)[number];

export function isApprovalVerb(value: unknown): value is ApprovalVerb {
  return APPROVAL_VERBS.some((verb) => verb === value);
}

/** How the approver verified the person, in the card's order. */
export const VERIFICATION_METHODS: readonly VerificationMethod[] = ['video_call', 'in_person', 'manager'];

export const RESET_ACTIONS: readonly ResetAction[] = [
  're_register',
  'replace_phone',
  're_register_without_tap',
];

/** What the card preselects. */
export const DEFAULT_RESET_ACTION: ResetAction = 're_register';

/** The method kinds an approver may tick, in the card's order. */
export const RESET_METHOD_TYPES: readonly ResetMethodType[] = [
  'phone',
  'microsoftAuthenticator',
  'softwareOath',
  'windowsHelloForBusiness',
  'fido2',
];

/** DESIGN.md section 3: Windows Hello and FIDO2 keys only when ticked, because they are PC sign-in. */
export const DEFAULT_METHOD_TYPES: readonly ResetMethodType[] = [
  'phone',
  'microsoftAuthenticator',
  'softwareOath',
];

/**
 * The actions an approver may choose for a request: offered on the card and checked again at click
 * time. Replacing the number needs one, which a lost phone reported without a new number lacks.
 */
export function actionsFor(request: { newPhone?: unknown }): readonly ResetAction[] {
  return request.newPhone ? RESET_ACTIONS : RESET_ACTIONS.filter((action) => action !== 'replace_phone');
}

export function isResetMethodType(value: unknown): value is ResetMethodType {
  return RESET_METHOD_TYPES.some((type) => type === value);
}
