import { RESET_ACTIONS, RESET_METHOD_TYPES, VERIFICATION_METHODS } from '../domain/approver-choices';
import type { RequestDecision, ResetAction } from '../domain/reset-request';
import { tapLifetime } from '../domain/tap-lifetime';
import type { MessageKey } from '../i18n/catalogues';

/** The inputs the approval card asks the approver for (its `Input.*` ids); nothing else is read. */
export const APPROVER_INPUT_NAMES = [
  'verificationMethod',
  'action',
  'methodTypes',
  'tapLifetimeMinutes',
  'confirmedByCallback',
  'denyReason',
] as const;
export type ApproverInputName = (typeof APPROVER_INPUT_NAMES)[number];

/** The approver's own inputs as text, the way the card sends them; a missing or non-text input is absent. */
export type ApproverInputs = Partial<Record<ApproverInputName, string>>;

const MAX_DENY_REASON = 500;

export type DecisionInputs =
  { ok: true; decision: Omit<RequestDecision, 'approver' | 'at'> } | { ok: false; problems: MessageKey[] };

/** The approver's own inputs, checked against allow-lists. */
export function readDecisionInputs(
  data: ApproverInputs,
  verb: 'approve' | 'deny',
  tapMaxLifetimeMinutes: number,
  allowedActions: readonly ResetAction[] = RESET_ACTIONS,
): DecisionInputs {
  const problems: MessageKey[] = [];
  const text = (key: ApproverInputName): string => (data[key] ?? '').trim();
  const verification = VERIFICATION_METHODS.find((value) => value === text('verificationMethod'));
  if (verb === 'deny') {
    const reason = text('denyReason');
    if (reason === '' || reason.length > MAX_DENY_REASON) problems.push('approval.problem.denyReason');
    return problems.length > 0
      ? { ok: false, problems }
      : {
          ok: true,
          decision: { denyReason: reason, ...(verification ? { verificationMethod: verification } : {}) },
        };
  }
  if (!verification) problems.push('approval.problem.verification');
  const named = RESET_ACTIONS.find((value) => value === text('action'));
  // An action the card did not offer for this request (replace_phone without a number) is refused.
  const action = named !== undefined && allowedActions.includes(named) ? named : undefined;
  if (named === 'replace_phone' && !action) problems.push('approval.problem.noNewPhone');
  else if (!action) problems.push('approval.problem.action');
  const requested = text('methodTypes')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const methodTypes = RESET_METHOD_TYPES.filter((value) => requested.includes(value));
  if (requested.length !== methodTypes.length || (action !== 'replace_phone' && methodTypes.length === 0)) {
    problems.push('approval.problem.methods');
  }
  const lifetime = tapLifetime(tapMaxLifetimeMinutes).readTyped(text('tapLifetimeMinutes'));
  if (lifetime === undefined) problems.push('approval.problem.tapLifetime');
  const confirmedByCallback = text('confirmedByCallback') === 'true';
  if (action === 'replace_phone' && !confirmedByCallback) problems.push('approval.problem.callback');
  if (problems.length > 0 || !verification || !action || lifetime === undefined)
    return { ok: false, problems };
  return {
    ok: true,
    decision: {
      verificationMethod: verification,
      action,
      methodTypes,
      tapLifetimeMinutes: lifetime,
      confirmedByCallback,
    },
  };
}
