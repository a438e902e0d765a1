import { isApprovalVerb, type ApprovalVerb } from '../../cards/approval';
import { isRequestId } from '../domain/reset-request';
import { APPROVER_INPUT_NAMES, type ApproverInputs } from '../requests/decision-inputs';

/** What the approval card puts in each button's `data`, beside the approver's inputs. */
export interface ApprovalActionData {
  requestId: string;
}

/** An approval card invoke, read from what Teams sent: every field checked, nothing else kept. */
export interface ApprovalInvoke {
  /** A well-formed request id, or undefined. */
  requestId: string | undefined;
  verb: ApprovalVerb | undefined;
  /** The verb sent, shortened, or its type when it was not text (for the audit). */
  verbLabel: string;
  /** Teams refreshed the card by itself (`trigger: 'automatic'`). */
  automatic: boolean;
  inputs: ApproverInputs;
}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const field = (value: unknown, name: string): unknown => (isFields(value) ? value[name] : undefined);

/** The data of an approval card's button with a well-formed request id. */
export function isApprovalActionData(value: unknown): value is ApprovalActionData {
  return isRequestId(field(value, 'requestId'));
}

/** The approver's inputs that are text; every other key of the card data is dropped here. */
function approverInputs(data: unknown): ApproverInputs {
  const inputs: ApproverInputs = {};
  for (const name of APPROVER_INPUT_NAMES) {
    const value = field(data, name);
    if (typeof value === 'string') inputs[name] = value;
  }
  return inputs;
}

/**
 * `activityValue`: the invoke activity's `value` as it came in; `invokeValue`: what botbuilder made
 * of it. Teams sends `trigger` ('manual' | 'automatic') on the activity's value; botbuilder rebuilds
 * the value it hands over without it, so it is read from the activity first.
 */
export function readApprovalInvoke(activityValue: unknown, invokeValue: unknown): ApprovalInvoke {
  const action = field(invokeValue, 'action');
  const data = field(action, 'data');
  const verb = field(action, 'verb');
  const trigger = field(activityValue, 'trigger') ?? field(invokeValue, 'trigger');
  return {
    requestId: isApprovalActionData(data) ? data.requestId : undefined,
    verb: isApprovalVerb(verb) ? verb : undefined,
    verbLabel: typeof verb === 'string' ? verb.slice(0, 40) : typeof verb,
    automatic: trigger === 'automatic',
    inputs: approverInputs(data),
  };
}
