import { AppError } from '../errors';
import {
  FINAL_STATES,
  OPEN_STATES,
  lastTwoDigits,
  newRequestId,
  redactPhone,
  type Actor,
  type Diagnosis,
  type FinalResetRequest,
  type FinalState,
  type FullPhone,
  type OpenResetRequest,
  type OpenState,
  type RedactedPhone,
  type RequestLocale,
  type RequestState,
  type Requester,
  type ResetRequest,
  type VerificationMethod,
} from './reset-request';

/**
 * DESIGN.md section 3. Resuming an EXECUTING request after a crash is not a transition: the
 * executor continues from its recorded steps without touching the state.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  PENDING: ['APPROVED', 'DENIED', 'CANCELLED', 'EXPIRED'],
  APPROVED: ['EXECUTING'],
  EXECUTING: ['DONE', 'PARTIAL', 'FAILED'],
  DONE: [],
  PARTIAL: [],
  FAILED: [],
  DENIED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export function isOpen(state: RequestState): state is OpenState {
  return (OPEN_STATES as readonly RequestState[]).includes(state);
}

export function isFinal(state: RequestState): state is FinalState {
  return (FINAL_STATES as readonly RequestState[]).includes(state);
}

export function isOpenRequest(request: ResetRequest): request is OpenResetRequest {
  return isOpen(request.state);
}

export function canTransition(from: RequestState, to: RequestState): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/**
 * Applies the rule "a full phone number lives only on an open request record". Stores call it too,
 * so a record that skipped `transition` still cannot persist the number past its final state.
 */
export function redactIfFinal(request: ResetRequest): ResetRequest {
  if (isOpenRequest(request)) {
    return request;
  }
  const { newPhone, ...rest } = request;
  return { ...rest, ...redactedPhoneOf(newPhone) };
}

/** The `newPhone` a final record keeps: the last two digits, or nothing when no number was given. */
function redactedPhoneOf(phone: FullPhone | RedactedPhone | undefined): { newPhone?: RedactedPhone } {
  return phone ? { newPhone: redactPhone(phone) } : {};
}

export interface NewResetRequestInput {
  id?: string;
  tenantId: string;
  requester: Requester;
  locale: RequestLocale;
  /** Only a lost or stolen phone may be reported before the person has a new number. */
  newPhone?: Omit<FullPhone, 'lastTwo'>;
  verification: VerificationMethod;
  reason: string;
  diagnosis: Diagnosis;
}

export function createPendingRequest(input: NewResetRequestInput, at: Date): OpenResetRequest {
  const { newPhone } = input;
  if (!newPhone && !input.diagnosis.lostOrStolen) {
    throw new AppError('BAD_REQUEST', 'A new number is required unless the phone was lost or stolen.');
  }
  const iso = at.toISOString();
  return {
    id: input.id ?? newRequestId(),
    tenantId: input.tenantId,
    requester: { ...input.requester },
    locale: input.locale,
    createdAt: iso,
    updatedAt: iso,
    state: 'PENDING',
    ...(newPhone ? { newPhone: { ...newPhone, lastTwo: lastTwoDigits(newPhone.graph) } } : {}),
    verification: input.verification,
    reason: input.reason,
    diagnosis: { ...input.diagnosis },
    history: [
      {
        at: iso,
        actorId: input.requester.aadObjectId,
        actorName: input.requester.name,
        from: null,
        to: 'PENDING',
      },
    ],
  };
}

/**
 * Returns a new record in state `to` with the move recorded in its history. Throws CONFLICT for a
 * move the table does not allow: callers load the current record first, so a disallowed move
 * means someone else got there before them.
 */
export function transition(
  request: ResetRequest,
  to: FinalState,
  actor: Actor,
  at: Date,
  note?: string,
): FinalResetRequest;
export function transition(
  request: ResetRequest,
  to: OpenState,
  actor: Actor,
  at: Date,
  note?: string,
): OpenResetRequest;
export function transition(
  request: ResetRequest,
  to: RequestState,
  actor: Actor,
  at: Date,
  note?: string,
): ResetRequest;
export function transition(
  request: ResetRequest,
  to: RequestState,
  actor: Actor,
  at: Date,
  note?: string,
): ResetRequest {
  if (!canTransition(request.state, to)) {
    throw new AppError('CONFLICT', `Request ${request.id} cannot move from ${request.state} to ${to}.`, {
      details: [request.id, request.state, to],
    });
  }
  const iso = at.toISOString();
  const history = [
    ...request.history,
    {
      at: iso,
      actorId: actor.id,
      actorName: actor.name,
      from: request.state,
      to,
      ...(note === undefined ? {} : { note }),
    },
  ];
  if (isFinal(to)) {
    const { newPhone, ...rest } = request;
    return { ...rest, state: to, updatedAt: iso, history, ...redactedPhoneOf(newPhone) };
  }
  if (!isOpenRequest(request)) {
    // Unreachable while final states have no outgoing moves; kept so a future table edit cannot
    // reopen a record whose number is already gone.
    throw new AppError('CONFLICT', `Request ${request.id} is final and cannot be reopened.`, {
      details: [request.id, request.state, to],
    });
  }
  return { ...request, state: to, updatedAt: iso, history };
}
