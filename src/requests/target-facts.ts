import type { ResetRequest } from '../domain/reset-request';
import type { Logger } from '../log';
import type { Directory, PrivilegeReport, TargetFacts } from '../ports/directory';
import type { RequestStore } from '../ports/request-store';

export type { TargetFacts } from '../ports/directory';

/** How long a privilege report read at an approval click stands in for a live read: one decision. */
export const DECISION_WINDOW_MS = 60_000;

/** Requests whose facts are kept at most; the least recently stored go first (a restart forgets all). */
const MAX_ENTRIES = 2000;

/** Where the facts about a target come from. */
export interface TargetFactsSources {
  directory: Directory;
  requests: Pick<RequestStore, 'countCreatedSince'>;
  logger: Logger;
  /** The approver and reviewer groups: membership of either is privilege here. */
  keyHolderGroupIds: readonly string[];
}

/**
 * Looks the target up live. A lookup that fails leaves its part empty rather than failing the
 * card: approvers still see the request, and an unknown privilege blocks approval.
 */
export async function loadTargetFacts(
  sources: TargetFactsSources,
  request: ResetRequest,
): Promise<TargetFacts> {
  const id = request.requester.aadObjectId;
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      sources.logger.warn({ err: error, requestId: request.id, lookup: what }, 'directory lookup failed');
      return undefined;
    }
  };
  const monthStart = new Date(request.createdAt);
  monthStart.setUTCDate(1);
  monthStart.setUTCHours(0, 0, 0, 0);
  const [user, manager, methods, privilege, monthlyCount] = await Promise.all([
    attempt('user', () => sources.directory.getUser(id)),
    attempt('manager', () => sources.directory.getManager(id)),
    attempt('methods', () => sources.directory.listMethods(id)),
    attempt('privilege', () =>
      sources.directory.getPrivilege(id, { keyHolderGroupIds: [...sources.keyHolderGroupIds] }),
    ),
    sources.requests.countCreatedSince(id, monthStart),
  ]);
  return { user, manager, methods, privilege, monthlyCount };
}

interface Entry {
  facts: TargetFacts;
  /** When `facts.privilege` was read from Graph: a redraw that reuses the report does not make it newer. */
  privilegeReadAt: number;
  /** The `at` of the end-state step record whose reading `facts.methods` is, if it is one. */
  endStateAt: string | undefined;
}

/**
 * What Graph said about a request's target, per request, so that the card redraws of one reset (a
 * claim, the approval, each executor step, the settled state) do not look the person up again each
 * time. Decisions never come from here: the approval click reads everything live and its reading is
 * what gets stored. The executor's privilege re-check may use a report read in this process within
 * `DECISION_WINDOW_MS`; after that, or in another process, it reads Graph again.
 */
export class TargetFactsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    /** Without them `load` is not available: the caller looks the target up itself. */
    private readonly sources?: TargetFactsSources,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** `endStateAt`: `facts.methods` is the reading of the end-state step recorded at that time. */
  remember(requestId: string, facts: TargetFacts, endStateAt?: string): void {
    const previous = this.entries.get(requestId);
    const sameReport = previous !== undefined && previous.facts.privilege === facts.privilege;
    const sameMethods = previous !== undefined && previous.facts.methods === facts.methods;
    this.entries.delete(requestId);
    this.entries.set(requestId, {
      facts,
      privilegeReadAt: sameReport ? previous.privilegeReadAt : this.now(),
      endStateAt: endStateAt ?? (sameMethods ? previous.endStateAt : undefined),
    });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  facts(requestId: string): TargetFacts | undefined {
    return this.entries.get(requestId)?.facts;
  }

  /** The `at` of the end-state record whose reading the kept methods are, if they are one. */
  endStateAt(requestId: string): string | undefined {
    return this.entries.get(requestId)?.endStateAt;
  }

  /** The privilege report read within the decision window, if any. */
  recentPrivilege(requestId: string): PrivilegeReport | undefined {
    const entry = this.entries.get(requestId);
    if (!entry || this.now() - entry.privilegeReadAt > DECISION_WINDOW_MS) return undefined;
    return entry.facts.privilege;
  }

  /** Looks the target up live and keeps what it read. */
  async load(request: ResetRequest): Promise<TargetFacts> {
    if (this.sources === undefined) throw new Error('TargetFactsCache has no directory to load from');
    const facts = await loadTargetFacts(this.sources, request);
    this.remember(request.id, facts);
    return facts;
  }
}

/**
 * The facts one executor run works with, so that the run looks its target up at most once: the
 * approval click's reading when this process made it, otherwise loaded when the run first redraws
 * the card. The steps that read the target anyway (the privilege check, the end state) put what they
 * read here, so the cards that follow show it without another lookup.
 */
export class RunFacts {
  private current: Promise<TargetFacts> | undefined;

  constructor(
    private readonly cache: TargetFactsCache,
    private readonly request: ResetRequest,
  ) {
    const known = cache.facts(request.id);
    this.current = known === undefined ? undefined : Promise.resolve(known);
  }

  get(): Promise<TargetFacts> {
    if (this.current === undefined) {
      const loading = this.cache.load(this.request);
      // A failed load (the request store) is tried again at the next redraw, as before.
      loading.catch(() => {
        if (this.current === loading) this.current = undefined;
      });
      this.current = loading;
    }
    return this.current;
  }

  /**
   * A step read part of the facts live; later cards show that reading. `endStateAt`: the methods are
   * the end state recorded at that time. Facts that cannot be loaded are left to the next redraw.
   */
  async update(change: Partial<TargetFacts>, endStateAt?: string): Promise<void> {
    let base: TargetFacts;
    try {
      base = await this.get();
    } catch {
      return;
    }
    const next = { ...base, ...change };
    this.current = Promise.resolve(next);
    this.cache.remember(this.request.id, next, endStateAt);
  }

  /** The facts for a card or a notice; undefined when they cannot be loaded (the notifier then tries). */
  async forCard(): Promise<TargetFacts | undefined> {
    try {
      return await this.get();
    } catch {
      return undefined;
    }
  }

  /** Whether the methods held are the reading of the end-state step recorded at `at`. */
  methodsAreEndState(at: string): boolean {
    return this.cache.endStateAt(this.request.id) === at;
  }
}
