import type { PrivilegeReport } from '../ports/directory';
import type { TargetFacts } from '../bot/approval-view';

/** How long a privilege report read at an approval click stands in for a live read: one decision. */
export const DECISION_WINDOW_MS = 60_000;

/** Requests whose facts are kept at most; the least recently stored go first (a restart forgets all). */
const MAX_ENTRIES = 2000;

interface Entry {
  facts: TargetFacts;
  loadedAt: number;
}

/**
 * What Graph said about a request's target, per request, so that the card redraws of one reset (a
 * claim, the approval, each executor step, the settled state) do not look the person up again each
 * time. Decisions never come from here: the approval click reads everything live and its reading is
 * what gets stored. The executor's privilege re-check may use the click's report inside
 * `DECISION_WINDOW_MS`; after that, or in another process, it reads Graph again.
 */
export class TargetFactsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  remember(requestId: string, facts: TargetFacts): void {
    this.entries.delete(requestId);
    this.entries.set(requestId, { facts, loadedAt: this.now() });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  facts(requestId: string): TargetFacts | undefined {
    return this.entries.get(requestId)?.facts;
  }

  /** The privilege report read within the decision window, if any. */
  recentPrivilege(requestId: string): PrivilegeReport | undefined {
    const entry = this.entries.get(requestId);
    if (!entry || this.now() - entry.loadedAt > DECISION_WINDOW_MS) return undefined;
    return entry.facts.privilege;
  }
}
