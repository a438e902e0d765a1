import { randomInt } from 'node:crypto';
import type { Locale } from './locale';

/**
 * The reset request record (DESIGN.md section 3). Plain data: it is stored as JSON, rendered on
 * cards and moved through its lifecycle by `request-lifecycle.ts`.
 */

export const OPEN_STATES = ['PENDING', 'APPROVED', 'EXECUTING'] as const;
export const FINAL_STATES = ['DONE', 'PARTIAL', 'FAILED', 'DENIED', 'CANCELLED', 'EXPIRED'] as const;
export const REQUEST_STATES = [...OPEN_STATES, ...FINAL_STATES] as const;

export type OpenState = (typeof OPEN_STATES)[number];
export type FinalState = (typeof FINAL_STATES)[number];
export type RequestState = OpenState | FinalState;

/** The language the request was filed in: notices to the requester use it. */
export type RequestLocale = Locale;

/** How the requester offers to be verified; the approver records what they actually did. */
export type VerificationMethod = 'video_call' | 'in_person' | 'manager';

export type ResetAction = 're_register' | 'replace_phone' | 're_register_without_tap';

/** Authentication method kinds an approver may tick for deletion; the password is never one of them. */
export type ResetMethodType =
  'phone' | 'microsoftAuthenticator' | 'softwareOath' | 'windowsHelloForBusiness' | 'fido2';

export interface Actor {
  id: string;
  name: string;
}

/** The requester is always the Teams sender, never typed text or card data. */
export interface Requester {
  aadObjectId: string;
  teamsUserId: string;
  name: string;
}

/** The validated new number in every form the approver and Graph need. Only on an open request. */
export interface FullPhone {
  /** What Graph expects: `+81 9012345678`. */
  graph: string;
  /** `+81 90-1234-5678` */
  international: string;
  /** `090-1234-5678` */
  national: string;
  lastTwo: string;
}

/**
 * What remains of the number once the request is final. The `never` members stop a `FullPhone`
 * from being assigned here by accident, since it is structurally a superset.
 */
export interface RedactedPhone {
  lastTwo: string;
  graph?: never;
  international?: never;
  national?: never;
}

export interface Diagnosis {
  /** Diagnosis-map node ids walked, in order. */
  path: string;
  situation: string;
  errorCodes: string[];
  workingMethods: string[];
  lostOrStolen: boolean;
}

export interface HistoryEntry {
  at: string;
  actorId: string;
  actorName: string;
  from: RequestState | null;
  to: RequestState;
  note?: string;
}

export interface Claim {
  id: string;
  name: string;
  at: string;
}

/** The approver's inputs, each checked against an allow-list before it lands here. */
export interface RequestDecision {
  approver: Actor;
  at: string;
  verificationMethod?: VerificationMethod;
  /** Required for `replace_phone`: the approver called the new number back. */
  confirmedByCallback?: boolean;
  action?: ResetAction;
  methodTypes?: ResetMethodType[];
  tapLifetimeMinutes?: number;
  denyReason?: string;
}

export interface ExecutionStep {
  name: string;
  status: 'started' | 'succeeded' | 'failed';
  at: string;
  graphRequestId?: string;
  error?: string;
  /**
   * On the outcome of a step that can change the directory: whether it may have changed something.
   * A failed step can still have changed some of it (two of three methods deleted, or a call that
   * timed out after Graph may have applied it), which is the difference between PARTIAL and FAILED.
   */
  changed?: boolean;
}

export interface Execution {
  steps: ExecutionStep[];
  /**
   * Which worker runs the request and until when: a crashed worker's lease runs out and another
   * worker (or the restarted one) resumes from the last recorded step.
   */
  lease?: { owner: string; until: string };
  /** Changed phone: when the requester said they had noted the pass (sessions are revoked then). */
  tapNotedAt?: string;
  /** The pass's method id and expiry (never its value), for closing the loop later. */
  tap?: { methodId: string; expiresAt: string; lifetimeMinutes: number };
  /** Method types found after the reset that should not be there (the reason for PARTIAL). */
  remaining?: string[];
  /**
   * Closing the loop after a pass was issued: when the bot last looked for a newly registered
   * method, and how it ended (a method registered, or the pass expired unused).
   */
  loop?: { checkedAt?: string; closedAt?: string; outcome?: 'registered' | 'expired' };
}

/** Where the approval card was posted, so every later change updates the same message. */
/**
 * The release code of DESIGN.md section 3 ("Release code"). Only a keyed hash of the code is kept;
 * the code itself is on the approver's card and nowhere else.
 */
export interface ReleaseCheck {
  codeHash: string;
  issuedAt: string;
  /** Wrong codes typed so far. */
  attempts: number;
  verifiedAt?: string;
  /** Too many wrong codes: the request waits for the approver. */
  heldAt?: string;
}

export interface Delivery {
  approvals?: { conversationId: string; activityId: string };
  /** The requester's pass card (it asks for the release code, then shows the pass, then withdraws it). */
  passCard?: { activityId: string };
}

interface ResetRequestBase {
  id: string;
  tenantId: string;
  requester: Requester;
  locale: RequestLocale;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** ISO 8601 UTC. */
  updatedAt: string;
  verification: VerificationMethod;
  reason: string;
  diagnosis: Diagnosis;
  history: HistoryEntry[];
  claimedBy?: Claim;
  decision?: RequestDecision;
  execution?: Execution;
  delivery?: Delivery;
  release?: ReleaseCheck;
  /** When the approvers were reminded that the request is about to expire (at most once). */
  reminderSentAt?: string;
}

/**
 * `newPhone` is absent only on a lost or stolen request filed before the person had a new number
 * (createPendingRequest refuses it otherwise): the approver can then re-register, never replace the
 * number.
 */
export interface OpenResetRequest extends ResetRequestBase {
  state: OpenState;
  newPhone?: FullPhone;
}

export interface FinalResetRequest extends ResetRequestBase {
  state: FinalState;
  newPhone?: RedactedPhone;
}

/** Discriminated on `state`, so the compiler only lets code read the full number of an open request. */
export type ResetRequest = OpenResetRequest | FinalResetRequest;

// No 0/O, 1/I/L: ids are read out on calls.
export const REQUEST_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const REQUEST_ID_LENGTH = 6;
const MIN_LETTERS = 2;
const REQUEST_ID_PATTERN = new RegExp(`^REQ-[${REQUEST_ID_ALPHABET}]{${REQUEST_ID_LENGTH}}$`);

function letterCount(code: string): number {
  return [...code].filter((c) => c >= 'A' && c <= 'Z').length;
}

/**
 * `REQ-` + 6 characters. Candidates with fewer than two letters are drawn again (rather than
 * patched), which keeps every valid id equally likely.
 */
export function newRequestId(): string {
  for (;;) {
    let code = '';
    for (let i = 0; i < REQUEST_ID_LENGTH; i++) {
      code += REQUEST_ID_ALPHABET[randomInt(REQUEST_ID_ALPHABET.length)];
    }
    if (letterCount(code) >= MIN_LETTERS) {
      return `REQ-${code}`;
    }
  }
}

export function isRequestId(value: unknown): value is string {
  return (
    typeof value === 'string' && REQUEST_ID_PATTERN.test(value) && letterCount(value.slice(4)) >= MIN_LETTERS
  );
}

export function lastTwoDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.slice(-2);
}

export function redactPhone(phone: FullPhone | RedactedPhone): RedactedPhone {
  return { lastTwo: phone.lastTwo };
}
