import type { ResetRequest } from '../domain/reset-request';

/** A Temporary Access Pass on its way to a person. It exists only in memory, never in storage. */
export interface PassForDisplay {
  value: string;
  lifetimeMinutes: number;
  /** ISO UTC. */
  expiresAt: string;
}

/**
 * Everything the executor and the sweepers tell people, behind one port so that they run
 * without Teams. Each method reports whether it reached anyone; none of them throws for an
 * undeliverable message (that is audited by the implementation).
 */
export interface RequestNotifier {
  /** Re-renders the approval card in the approvals channel for the request's current state. */
  updateApprovalCard(request: ResetRequest): Promise<boolean>;
  /**
   * Changed phone: shows the pass to the requester in their 1:1 chat, with a button to say they
   * have noted it (the bot then calls `ResetExecutor.notePassSeen`).
   */
  showPassToRequester(request: ResetRequest, pass: PassForDisplay): Promise<boolean>;
  /** Lost or stolen phone: shows the pass to the approver, who hands it over on the verification call. */
  showPassToApprover(request: ResetRequest, pass: PassForDisplay): Promise<boolean>;
  /** Tells the requester how the request ended and what to do next, in their language. */
  tellRequesterOutcome(request: ResetRequest): Promise<boolean>;
  /** The notices of DESIGN.md section 3: the security channel, and mail to the requester and manager. */
  sendResetNotices(request: ResetRequest): Promise<{ channel: boolean; mail: boolean }>;
}
