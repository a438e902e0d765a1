import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  /** Conversations talking at once; each waits for its answer before it sends again. */
  concurrency: number;
  durationMs: number;
  /** The activities of conversation number `n`, in order; a conversation that is done makes room for the next. */
  conversation: (n: number) => ReadonlyArray<Record<string, unknown>>;
  /** Stop after this many conversations even if time is left. */
  maxConversations?: number;
}

export interface LoadResult {
  turns: number;
  errors: number;
  conversations: number;
  seconds: number;
  turnsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarise(
  latencies: number[],
  seconds: number,
  errors: number,
  conversations: number,
): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    turns: sorted.length,
    errors,
    conversations,
    seconds,
    turnsPerSecond: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
  };
}

/** Posts one activity the way the Bot Framework channel does; returns the answer's status and body. */
export async function postActivity(
  url: string,
  activity: Record<string, unknown>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * Closed-loop load: `concurrency` conversations, each sending its next activity as soon as the last
 * one is answered, for `durationMs`. Latency is the HTTP round trip of a turn, which covers the
 * replies the bot posts to the connector before it answers.
 */
export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const raw = await closedLoopRaw(options);
  return summarise(raw.latencies, raw.seconds, raw.errors, raw.conversations);
}

/** What one closed loop measured, before summarising (slices of several loops are summarised together). */
export interface RawLoad {
  latencies: number[];
  seconds: number;
  errors: number;
  conversations: number;
}

/** Several raw loads as one (their latencies together, their durations added). */
export function summariseAll(loads: readonly RawLoad[]): LoadResult {
  return summarise(
    loads.flatMap((load) => load.latencies),
    loads.reduce((sum, load) => sum + load.seconds, 0),
    loads.reduce((sum, load) => sum + load.errors, 0),
    loads.reduce((sum, load) => sum + load.conversations, 0),
  );
}

export async function closedLoopRaw(options: LoadOptions): Promise<RawLoad> {
  const latencies: number[] = [];
  let errors = 0;
  let conversations = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (options.maxConversations !== undefined && conversations >= options.maxConversations) return;
      const activities = options.conversation(conversations++);
      for (const activity of activities) {
        if (performance.now() >= deadline) return;
        const sent = performance.now();
        try {
          const { status } = await postActivity(options.url, activity);
          if (status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - sent);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, errors, conversations };
}
