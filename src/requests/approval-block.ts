import type { ResetRequest } from '../domain/reset-request';
import type { TargetFacts } from '../ports/directory';

/** Why a target can never be approved here (the audit reason), or undefined when nothing blocks it. */
export type ApprovalBlock =
  | 'privilege unknown'
  | 'privileged target'
  | 'key holder target'
  | 'break-glass target'
  | 'account unknown'
  | 'guest target'
  | 'disabled target';

/**
 * Fail closed: privileged in any way Graph can tell (roles, role-assignable groups, the key-holder
 * groups), break-glass, a guest, a disabled account, or anything not known to be otherwise.
 */
export function approvalBlock(
  facts: TargetFacts,
  request: ResetRequest,
  breakGlass: readonly string[],
): ApprovalBlock | undefined {
  if (breakGlass.includes(request.requester.aadObjectId.toLowerCase())) return 'break-glass target';
  if (facts.privilege === undefined) return 'privilege unknown';
  if (facts.privilege.keyHolderGroupIds.length > 0) return 'key holder target';
  if (facts.privilege.privileged) return 'privileged target';
  if (facts.user === undefined) return 'account unknown';
  if (facts.user.userType !== 'Member') return 'guest target';
  if (!facts.user.accountEnabled) return 'disabled target';
  return undefined;
}

export function blocksApproval(
  facts: TargetFacts,
  request: ResetRequest,
  breakGlass: readonly string[],
): boolean {
  return approvalBlock(facts, request, breakGlass) !== undefined;
}
