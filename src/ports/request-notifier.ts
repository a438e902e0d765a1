import type { ResetRequest } from '../domain/reset-request';
import type { MessageKey } from '../i18n/catalogues';
import type { TargetFacts } from './directory';

/** A Temporary Access Pass on its way to a person. It exists only in memory, never in storage. */
export interface PassForDisplay {
  value: string;
  lifetimeMinutes: number;
  /** ISO UTC. */
  expiresAt: string;
}

/** Values for a message's placeholders. */
export type MessageParams = Record<string, string | number>;

/**
 * Everything the requests module (the approval use cases, the executor, the sweepers) tells
 * people, behind one port so that it runs without Teams. Each method reports whether it reached
 * anyone; none of them throws for an undeliverable message (that is audited by the implementation).
 */
export interface RequestNotifier {
  /** Posts a new request's approval card to the approvals channel and remembers where it went. */
  postApprovalCard(request: ResetRequest): Promise<boolean>;
  /**
   * Re-renders the approval card in the approvals channel for the request's current state. `facts`:
   * what the caller read about the target for this request (one lookup per run); without them the
   * implementation looks the target up.
   */
  updateApprovalCard(request: ResetRequest, facts?: TargetFacts): Promise<boolean>;
  /**
   * Changed phone, once the release code matched: shows the pass to the requester on their pass card
   * (or a new one), with a button to say they have noted it (the bot then calls
   * `ResetExecutor.notePassSeen`).
   */
  showPassToRequester(request: ResetRequest, pass: PassForDisplay): Promise<boolean>;
  /**
   * Changed phone: sends the requester their pass card, which asks for the release code the approver
   * reads out on the call. Returns the card's activity id (the pass appears on that card later), or
   * undefined when the requester could not be reached.
   */
  askForReleaseCode(request: ResetRequest): Promise<string | undefined>;
  /** After "noted" or expiry: the requester's pass card is updated to show no pass. */
  withdrawPass(request: ResetRequest): Promise<boolean>;
  /** Lost or stolen phone: shows the pass to the approver, who hands it over on the verification call. */
  showPassToApprover(request: ResetRequest, pass: PassForDisplay): Promise<boolean>;
  /** Tells the requester how the request ended and what to do next, in their language. */
  tellRequesterOutcome(request: ResetRequest): Promise<boolean>;
  /**
   * A message to the requester in their 1:1 chat, in their language (`requestId` is filled in),
   * optionally followed by the helpdesk contact.
   */
  tellRequesterMessage(
    request: ResetRequest,
    keys: MessageKey[],
    params: MessageParams,
    withContact?: boolean,
  ): Promise<boolean>;
  /** A message about one request to the approvals channel, in the approvers' language. */
  tellApprovers(request: ResetRequest, key: MessageKey, params: MessageParams): Promise<boolean>;
  /** A message to the approvals channel about no one request (the tenant-wide freeze). */
  tellApprovalsChannel(key: MessageKey, params: MessageParams): Promise<boolean>;
  /**
   * The notices of DESIGN.md section 3: the security channel, and mail to the requester and manager
   * (their addresses from `facts` when given).
   */
  sendResetNotices(request: ResetRequest, facts?: TargetFacts): Promise<{ channel: boolean; mail: boolean }>;
}
