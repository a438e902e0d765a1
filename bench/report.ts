import type { BenchResults } from './run';
import type { LoadResult } from './load';

const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '–');
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const max = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));

function loadRow(name: string, result: LoadResult): string {
  return `| ${name} | ${result.turnsPerSecond.toFixed(0)} | ${ms(result.p50)} | ${ms(result.p90)} | ${ms(result.p99)} | ${result.turns} | ${result.errors} |`;
}

export interface Target {
  what: string;
  goal: string;
  got: string;
  met: boolean;
}

/** The issue's "done means", checked against one run. */
export function targets(results: BenchResults): Target[] {
  const { echo, helpdesk } = results;
  const ratio = helpdesk.concurrent.turnsPerSecond / echo.concurrent.turnsPerSecond;
  const p99Ratio = helpdesk.concurrent.p99 / echo.concurrent.p99;
  const reads = max(results.resets.graphReads);
  const done = max(results.resets.approvedToDoneMs);
  return [
    {
      what: `diagnosis turns/s at ${results.settings.concurrency} conversations vs echo`,
      goal: '≥ 0.7×',
      got: `${ratio.toFixed(2)}×`,
      met: ratio >= 0.7,
    },
    {
      what: `diagnosis p99 at ${results.settings.concurrency} conversations vs echo`,
      goal: '≤ 4×',
      got: `${p99Ratio.toFixed(2)}×`,
      met: p99Ratio <= 4,
    },
    {
      what: 'one person alone, p50',
      goal: '≤ 5 ms',
      got: `${ms(helpdesk.alone.p50)} ms`,
      met: helpdesk.alone.p50 <= 5,
    },
    {
      what: `approval invoke p99, ${results.settings.approvers} approvers at once`,
      goal: '≤ 50 ms',
      got: `${ms(results.approvals.p99)} ms`,
      met: results.approvals.p99 <= 50,
    },
    {
      what: 'APPROVED → DONE (worst of the resets; emulator at zero latency)',
      goal: '≤ 100 ms + Graph',
      got: `${ms(done)} ms`,
      met: done <= 100,
    },
    {
      what: 'Graph reads per changed-phone reset (click to DONE)',
      goal: '≤ 15',
      got: String(reads),
      met: reads <= 15,
    },
    {
      what: `sweep over ${results.sweep.pending} pending requests`,
      // The issue's goal is 10,000 in 1 s; a larger backlog (`--pending`) is held to the same rate.
      goal: `≤ ${(Math.max(results.sweep.pending, 10_000) / 10_000).toLocaleString('en')} s`,
      got: `${ms(results.sweep.ms)} ms`,
      met: results.sweep.pending >= 10_000 && results.sweep.ms <= results.sweep.pending / 10,
    },
    {
      what: `RSS with ${results.conversationsInState} conversations in state`,
      goal: '≤ 200 MB',
      got: `${mb(results.rssWithConversationsBytes)} MB`,
      met: results.rssWithConversationsBytes <= 200 * 2 ** 20 && results.conversationsInState >= 10_000,
    },
  ];
}

export function renderResults(results: BenchResults, when: Date): string {
  const { echo, helpdesk, resets } = results;
  const lines = [
    `## Run of ${when.toISOString()}`,
    '',
    `Machine: ${results.machine.cpu}, ${results.machine.memory}, ${results.machine.os}, Node ${results.machine.node}.`,
    `Load average (1, 5, 15 min) before: ${results.loadBefore}; after: ${results.loadAfter}.`,
    `Settings: ${results.settings.concurrency} conversations for ${results.settings.durationMs / 1000} s, one alone for ${results.settings.aloneMs / 1000} s, ${results.settings.warmupMs / 1000} s warm-up each${results.settings.nodeOptions.length > 0 ? `; the project's bot ran with \`${results.settings.nodeOptions.join(' ')}\`` : ''}.`,
    '',
    '| bot, load | turns/s | p50 ms | p90 ms | p99 ms | turns | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    loadRow(`echo, ${results.settings.concurrency} conversations`, echo.concurrent),
    loadRow(`helpdesk, ${results.settings.concurrency} conversations`, helpdesk.concurrent),
    loadRow('echo, one alone', echo.alone),
    loadRow('helpdesk, one alone', helpdesk.alone),
    loadRow(`approval clicks, ${results.settings.approvers} approvers`, results.approvals),
    '',
    `Ratio (helpdesk / echo) at ${results.settings.concurrency}: turns/s ${(helpdesk.concurrent.turnsPerSecond / echo.concurrent.turnsPerSecond).toFixed(2)}×, p99 ${(helpdesk.concurrent.p99 / echo.concurrent.p99).toFixed(2)}×.`,
    `RSS after the load runs: echo ${mb(echo.rssBytes)} MB, helpdesk ${mb(helpdesk.rssBytes)} MB; helpdesk with ${results.conversationsInState} conversations in state: ${mb(results.rssWithConversationsBytes)} MB.`,
    `Changed-phone resets (${resets.states.join(', ')}): APPROVED → DONE median ${ms(median(resets.approvedToDoneMs))} ms, worst ${ms(max(resets.approvedToDoneMs))} ms (after one warm-up reset, not counted: ${ms(resets.warmUpMs)} ms); Graph reads ${resets.graphReads.join(', ')}, writes ${resets.graphWrites.join(', ')}, in ${resets.graphHttpRequests.join(', ')} HTTPS requests (reads of the last: ${Object.entries(
      resets.readsByRoute,
    )
      .map(([route, count]) => `${route} ${count}`)
      .join(', ')}).`,
    `Sweep over ${results.sweep.pending} pending requests: ${ms(results.sweep.ms)} ms.`,
    '',
    '| target | goal | got | met |',
    '| --- | --- | --- | --- |',
    ...targets(results).map((t) => `| ${t.what} | ${t.goal} | ${t.got} | ${t.met ? 'yes' : 'NO'} |`),
    '',
  ];
  return lines.join('\n');
}
