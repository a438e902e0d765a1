/** How one diagnosis ended: what the self-service statistics count. Holds nothing about the person. */
export interface DiagnosisOutcome {
  /** ISO UTC. */
  at: string;
  endNode: string;
  outcome: 'resolved' | 'unresolved' | 'file-request' | 'refer-helpdesk';
  /** Node ids walked before the closing question, joined with '>'. */
  path: string;
  locale: 'ja' | 'en';
}

export interface DiagnosisOutcomes {
  record(outcome: DiagnosisOutcome): Promise<void>;
  /** Oldest first; `since` inclusive, `until` exclusive. */
  list(range?: { since?: Date; until?: Date }): Promise<DiagnosisOutcome[]>;
}
