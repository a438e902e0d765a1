import { targets } from '../../bench/report';
import type { LoadResult } from '../../bench/load';
import type { BenchResults } from '../../bench/run';

const load = (turnsPerSecond: number, p99: number): LoadResult => ({
  turns: 1,
  errors: 0,
  conversations: 1,
  seconds: 1,
  turnsPerSecond,
  p50: 1,
  p90: 1,
  p99,
});

function results(sweep: { pending: number; ms: number }): BenchResults {
  const side = { concurrent: load(100, 10), alone: load(100, 10), rssBytes: 1 };
  return {
    settings: { concurrency: 50, approvers: 50 },
    echo: side,
    helpdesk: side,
    approvals: load(1, 10),
    resets: { graphReads: [12], approvedToDoneMs: [50] },
    conversationsInState: 10_000,
    rssWithConversationsBytes: 1,
    sweep,
  } as unknown as BenchResults;
}

const sweepTarget = (sweep: { pending: number; ms: number }) =>
  targets(results(sweep)).find((target) => target.what.startsWith('sweep'));

describe('the sweep target of npm run bench', () => {
  it('holds 10,000 pending to 1 s and a larger backlog (--pending) to the same rate', () => {
    expect(sweepTarget({ pending: 10_000, ms: 990 })).toMatchObject({ goal: '≤ 1 s', met: true });
    expect(sweepTarget({ pending: 10_000, ms: 1010 })).toMatchObject({ met: false });
    expect(sweepTarget({ pending: 50_000, ms: 1631 })).toMatchObject({ goal: '≤ 5 s', met: true });
    expect(sweepTarget({ pending: 50_000, ms: 5100 })).toMatchObject({ met: false });
  });

  it('does not count a backlog smaller than the goal’s', () => {
    expect(sweepTarget({ pending: 50, ms: 1 })).toMatchObject({ goal: '≤ 1 s', met: false });
  });
});
