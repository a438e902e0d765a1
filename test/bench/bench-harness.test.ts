import { renderResults, targets } from '../../bench/report';
import { DEFAULT_SETTINGS, runBench } from '../../bench/run';

jest.setTimeout(180_000);

// The harness itself, on a tiny run: both bots answer, a reset reaches DONE, Graph calls are counted.
// No timing is asserted (the machine is shared); `npm run bench` is where the figures come from.
describe('npm run bench, tiny run', () => {
  it('drives the echo bot and the helpdesk bot alike and measures every path', async () => {
    const results = await runBench({
      ...DEFAULT_SETTINGS,
      concurrency: 2,
      durationMs: 1500,
      aloneMs: 800,
      warmupMs: 300,
      conversationsInState: 30,
      topUpLimitMs: 20_000,
      approvers: 2,
      approvalRequests: 4,
      resets: 1,
      pendingToSweep: 50,
      compiled: false,
    });
    for (const side of [results.echo, results.helpdesk]) {
      expect(side.concurrent.turns).toBeGreaterThan(0);
      expect(side.alone.turns).toBeGreaterThan(0);
      expect(side.concurrent.errors + side.alone.errors).toBe(0);
      expect(side.rssBytes).toBeGreaterThan(0);
    }
    expect(results.conversationsInState).toBeGreaterThanOrEqual(30);
    expect(results.approvals).toMatchObject({ turns: 4, errors: 0 });
    expect(results.resets.states).toEqual(['DONE']);
    // A changed-phone reset deletes two phone methods, creates a pass, revokes the sessions and mails
    // (the executor's own tests pin the exact calls; here they only have to be counted).
    expect(results.resets.graphWrites[0]).toBeGreaterThanOrEqual(5);
    expect(results.resets.graphReads[0]).toBeGreaterThan(0);
    // The approval click's privilege check reads six things in one JSON batch.
    expect(results.resets.graphHttpRequests[0]).toBeLessThan(
      (results.resets.graphReads[0] ?? 0) + (results.resets.graphWrites[0] ?? 0),
    );
    expect(results.resets.readsByRoute.checkMemberGroups).toBe(1);
    expect(Number.isFinite(results.sweep.ms)).toBe(true);
    const report = renderResults(results, new Date('2026-12-01T00:00:00Z'));
    expect(report).toContain('| echo, 2 conversations |');
    expect(report).toContain('| helpdesk, 2 conversations |');
    expect(targets(results)).toHaveLength(8);
  });
});
