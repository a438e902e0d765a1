import { DECISION_WINDOW_MS, TargetFactsCache, type TargetFacts } from '../../src/requests/target-facts';

function facts(privileged: boolean): TargetFacts {
  return {
    user: undefined,
    manager: undefined,
    methods: [],
    privilege: { privileged, grants: [], groupLinks: [], keyHolderGroupIds: [] },
    monthlyCount: 1,
  };
}

describe('TargetFactsCache', () => {
  let at = 0;
  const cache = () => new TargetFactsCache(undefined, () => at);
  beforeEach(() => {
    at = 1_000_000;
  });

  it('stands in for a live privilege read only within the decision window of the reading', () => {
    const kept = cache();
    const read = facts(false);
    kept.remember('REQ-AAAAAA', read);
    at += DECISION_WINDOW_MS - 1;
    expect(kept.recentPrivilege('REQ-AAAAAA')).toBe(read.privilege);
    at += 2;
    expect(kept.recentPrivilege('REQ-AAAAAA')).toBeUndefined();
    // The facts themselves are still there for the card.
    expect(kept.facts('REQ-AAAAAA')).toBe(read);
  });

  it('a redraw that reuses the report does not make it newer', () => {
    const kept = cache();
    const read = facts(false);
    kept.remember('REQ-AAAAAA', read);
    at += DECISION_WINDOW_MS - 1_000;
    // A card redraw keeps the facts (with fresher methods, say), the privilege report unchanged.
    kept.remember('REQ-AAAAAA', { ...read, methods: [] });
    at += 2_000;
    expect(kept.recentPrivilege('REQ-AAAAAA')).toBeUndefined();
  });

  it('a new privilege reading starts a new window', () => {
    const kept = cache();
    const read = facts(false);
    kept.remember('REQ-AAAAAA', read);
    at += DECISION_WINDOW_MS + 1;
    const again = { ...read, privilege: facts(true).privilege };
    kept.remember('REQ-AAAAAA', again);
    expect(kept.recentPrivilege('REQ-AAAAAA')).toBe(again.privilege);
  });

  it('remembers which end-state reading the methods are, until the methods change', () => {
    const kept = cache();
    const read = facts(false);
    kept.remember('REQ-AAAAAA', read, '2026-12-02T01:00:00.000Z');
    kept.remember('REQ-AAAAAA', { ...read, user: undefined });
    expect(kept.endStateAt('REQ-AAAAAA')).toBe('2026-12-02T01:00:00.000Z');
    kept.remember('REQ-AAAAAA', { ...read, methods: [] });
    expect(kept.endStateAt('REQ-AAAAAA')).toBeUndefined();
  });
});
