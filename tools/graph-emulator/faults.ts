/** Fault injection for the Graph emulator, per route, so tests can script Graph having a bad day. */

export type RouteName =
  | 'openidConfiguration'
  | 'token'
  | 'getUser'
  | 'getManager'
  | 'checkMemberGroups'
  | 'listTransitiveMemberOf'
  | 'listRoleAssignments'
  | 'listRoleEligibilityScheduleInstances'
  | 'listPimGroupEligibilityScheduleInstances'
  | 'listPimGroupAssignmentScheduleInstances'
  | 'listGroups'
  | 'getGroup'
  | 'listGroupOwners'
  | 'listMethods'
  | 'listMethodCollection'
  | 'createPhoneMethod'
  | 'updatePhoneMethod'
  | 'deleteMethod'
  | 'createTemporaryAccessPass'
  | 'getTemporaryAccessPassPolicy'
  | 'revokeSignInSessions'
  | 'sendMail'
  /** `POST /v1.0/$batch`: the envelope; its requests are recorded and faulted under their own routes. */
  | 'batch'
  | 'unknown';

export type FaultAction =
  /** Answer with this status and Graph's error body before touching state (429, 503, 504 …). */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; code?: string; message?: string }
  /** Wait, then handle the request normally. */
  | { kind: 'delay'; ms: number }
  /**
   * Destroy the connection without an answer. `afterProcessing` applies the request to the state
   * first, like a gateway that lost the response of a call that did succeed.
   */
  | { kind: 'drop'; afterProcessing?: boolean }
  /** Hold the request until the test opens the gate, then handle it normally. */
  | { kind: 'gate'; gate: Gate };

export interface FaultRule {
  route: RouteName | '*';
  /** Extra condition, e.g. a collection name for `deleteMethod`. */
  when?: (request: { method: string; path: string; params: Record<string, string> }) => boolean;
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
  action: FaultAction;
}

export class Gate {
  private opened = false;
  private readonly release: Array<() => void> = [];
  private readonly watchers: Array<{ count: number; resolve: () => void }> = [];
  /** How many requests have reached the gate (held or already released). */
  arrived = 0;

  get isOpen(): boolean {
    return this.opened;
  }

  /**
   * Resolves once `count` requests are being held, so a test knows the call is in flight. Rejects
   * after `timeoutMs`, so a call that never comes fails the test with a reason, not a jest timeout.
   */
  whenHolding(count = 1, timeoutMs = 60_000): Promise<void> {
    if (this.arrived >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watcher = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.watchers.splice(this.watchers.indexOf(watcher), 1);
        reject(new Error(`${this.arrived} of ${count} requests reached the gate within ${timeoutMs} ms`));
      }, timeoutMs);
      this.watchers.push(watcher);
    });
  }

  open(): void {
    this.opened = true;
    for (const resume of this.release.splice(0)) resume();
  }

  /** @internal used by the emulator */
  pass(): Promise<void> {
    this.arrived += 1;
    for (const watcher of this.watchers.filter((w) => w.count <= this.arrived)) {
      this.watchers.splice(this.watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
    if (this.opened) return Promise.resolve();
    return new Promise((resolve) => this.release.push(resolve));
  }
}

export class FaultPlan {
  private rules: Array<FaultRule & { used: number }> = [];

  /** Adds a rule; returns a function that removes it. */
  inject(rule: FaultRule): () => void {
    const entry = { ...rule, used: 0 };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** @internal the first live rule for this request, counted as used. */
  take(route: RouteName, request: { method: string; path: string; params: Record<string, string> }) {
    for (const rule of this.rules) {
      // A `*` rule says what happens to each request; a batch envelope is only its requests, each
      // of which meets the rule on its own.
      if (rule.route === '*' && route === 'batch') continue;
      if (rule.route !== '*' && rule.route !== route) continue;
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if (rule.when !== undefined && !rule.when(request)) continue;
      rule.used += 1;
      return rule.action;
    }
    return undefined;
  }
}
