import type { ResetRequest } from '../domain/reset-request';
import type { TranscriptEntry } from '../ports/transcript-store';
import type { DiagnosisOutcome } from '../ports/diagnosis-outcomes';

/**
 * Review statistics (issue 7). Pure: callers pass what they read from storage and, optionally, the
 * bot's log. Self-service outcomes have no durable record of their own (the bot only logs
 * `diagnosis finished`), so they are reconstructed from transcripts within their retention window
 * and from log lines when a log is given; the result says which source each number came from.
 */

export interface DiagnosisLogLine {
  endNode: string;
  outcome: string;
}

/** `diagnosis finished` lines of the bot's JSON log. Non-JSON and other lines are skipped. */
export function parseDiagnosisLog(logText: string): DiagnosisLogLine[] {
  const found: DiagnosisLogLine[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('diagnosis finished')) continue;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown; endNode?: unknown; outcome?: unknown };
      if (parsed.msg === 'diagnosis finished' && typeof parsed.endNode === 'string') {
        found.push({
          endNode: parsed.endNode,
          outcome: typeof parsed.outcome === 'string' ? parsed.outcome : '',
        });
      }
    } catch {
      continue;
    }
  }
  return found;
}

export type SegmentOutcome = 'resolved' | 'file-request' | 'refer-helpdesk' | 'unresolved' | 'unknown';

export interface DiagnosisSegment {
  conversationId: string;
  segmentId: string;
  /** The buttons pressed, `node=value`, in order, without the closing questions. */
  path: string;
  outcome: SegmentOutcome;
}

const CLOSING_NODES = new Set(['close', 'close.no']);

/**
 * One entry per diagnosis segment of the transcripts. Only button presses are readable without
 * re-running the dialog's text matching, so a typed answer shows as `node=(typed)`, and a segment
 * whose end was typed or never reached is `unknown`.
 */
export function segmentsFromTranscripts(
  entries: readonly TranscriptEntry[],
  linkedSegments: ReadonlySet<string>,
): DiagnosisSegment[] {
  const bySegment = new Map<
    string,
    { conversationId: string; segmentId: string; steps: string[]; outcome: SegmentOutcome }
  >();
  for (const entry of entries) {
    const key = `${entry.conversationId}\u0000${entry.segmentId}`;
    let segment = bySegment.get(key);
    if (!segment) {
      segment = {
        conversationId: entry.conversationId,
        segmentId: entry.segmentId,
        steps: [],
        outcome: linkedSegments.has(key) ? 'file-request' : 'unknown',
      };
      bySegment.set(key, segment);
    }
    if (entry.direction !== 'incoming' || entry.activityType !== 'message') continue;
    const value = entry.activity.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    if (value.kind !== 'diag' || typeof value.node !== 'string' || typeof value.value !== 'string') continue;
    if (CLOSING_NODES.has(value.node)) {
      if (segment.outcome === 'file-request') continue;
      if (value.node === 'close' && value.value === 'yes') segment.outcome = 'resolved';
      else if (value.node === 'close.no' && value.value === 'helpdesk') segment.outcome = 'refer-helpdesk';
      else if (value.node === 'close.no' && value.value === 'finish') segment.outcome = 'unresolved';
      else if (value.node === 'close.no' && value.value === 'restart') {
        // Starting over inside one segment begins a new path; the earlier one ended unresolved.
        segment.steps = [];
      }
      continue;
    }
    segment.steps.push(`${value.node}=${value.value}`);
  }
  return [...bySegment.values()].map(({ conversationId, segmentId, steps, outcome }) => ({
    conversationId,
    segmentId,
    path: steps.join(' > ') || '(no button pressed)',
    outcome,
  }));
}

export function segmentKey(conversationId: string, segmentId: string): string {
  return `${conversationId}\u0000${segmentId}`;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface Durations {
  count: number;
  medianMinutes: number | undefined;
  p90Minutes: number | undefined;
}

export interface PathRate {
  path: string;
  total: number;
  resolved: number;
  filedRequest: number;
  referred: number;
  unresolved: number;
  unknown: number;
  /** resolved / (total − unknown); undefined when no segment's outcome is known. */
  resolutionRate: number | undefined;
}

export interface ReviewStats {
  requests: number;
  byState: Record<string, number>;
  errorCodes: Array<{ code: string; count: number }>;
  toDecision: Durations;
  toCompletion: Durations;
  selfService: {
    /** `outcomes`: the durable per-diagnosis records; `transcripts`: reconstructed (older data). */
    source: 'outcomes' | 'transcripts';
    segments: number;
    byPath: PathRate[];
  };
  loggedDiagnoses:
    | { source: 'log'; total: number; byOutcome: Record<string, number>; byEndNode: Record<string, number> }
    | undefined;
}

const DECIDED = new Set(['APPROVED', 'DENIED']);
const COMPLETED = new Set(['DONE', 'PARTIAL', 'FAILED']);

export function computeStats(
  requests: readonly ResetRequest[],
  transcriptSegments: readonly DiagnosisSegment[],
  logged?: readonly DiagnosisLogLine[],
  outcomes?: readonly DiagnosisOutcome[],
): ReviewStats {
  // The durable records are exact; transcripts are only used where none exist (data from before them).
  const fromOutcomes = outcomes !== undefined && outcomes.length > 0;
  const segments: readonly DiagnosisSegment[] = fromOutcomes
    ? outcomes.map((outcome) => ({
        conversationId: '',
        segmentId: '',
        path: outcome.path,
        outcome: outcome.outcome,
      }))
    : transcriptSegments;
  const byState: Record<string, number> = {};
  const codes = new Map<string, number>();
  const toDecision: number[] = [];
  const toCompletion: number[] = [];
  for (const request of requests) {
    byState[request.state] = (byState[request.state] ?? 0) + 1;
    for (const code of request.diagnosis.errorCodes) codes.set(code, (codes.get(code) ?? 0) + 1);
    for (const step of request.execution?.steps ?? []) {
      if (step.status === 'failed' && step.error) codes.set(step.error, (codes.get(step.error) ?? 0) + 1);
    }
    const created = Date.parse(request.createdAt);
    const decided = request.history.find((entry) => DECIDED.has(entry.to));
    if (decided) toDecision.push((Date.parse(decided.at) - created) / 60_000);
    const completed = request.history.find((entry) => COMPLETED.has(entry.to));
    if (completed) toCompletion.push((Date.parse(completed.at) - created) / 60_000);
  }
  const paths = new Map<string, PathRate>();
  for (const segment of segments) {
    const rate = paths.get(segment.path) ?? {
      path: segment.path,
      total: 0,
      resolved: 0,
      filedRequest: 0,
      referred: 0,
      unresolved: 0,
      unknown: 0,
      resolutionRate: undefined,
    };
    rate.total += 1;
    if (segment.outcome === 'resolved') rate.resolved += 1;
    else if (segment.outcome === 'file-request') rate.filedRequest += 1;
    else if (segment.outcome === 'refer-helpdesk') rate.referred += 1;
    else if (segment.outcome === 'unresolved') rate.unresolved += 1;
    else rate.unknown += 1;
    paths.set(segment.path, rate);
  }
  for (const rate of paths.values()) {
    const known = rate.total - rate.unknown;
    rate.resolutionRate = known === 0 ? undefined : rate.resolved / known;
  }
  return {
    requests: requests.length,
    byState,
    errorCodes: [...codes.entries()]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    toDecision: durations(toDecision),
    toCompletion: durations(toCompletion),
    selfService: {
      source: fromOutcomes ? 'outcomes' : 'transcripts',
      segments: segments.length,
      byPath: [...paths.values()].sort((a, b) => b.total - a.total || a.path.localeCompare(b.path)),
    },
    loggedDiagnoses: logged === undefined ? undefined : countLogged(logged),
  };
}

function durations(minutes: number[]): Durations {
  return { count: minutes.length, medianMinutes: median(minutes), p90Minutes: percentile(minutes, 90) };
}

function countLogged(lines: readonly DiagnosisLogLine[]): NonNullable<ReviewStats['loggedDiagnoses']> {
  const byOutcome: Record<string, number> = {};
  const byEndNode: Record<string, number> = {};
  for (const line of lines) {
    byOutcome[line.outcome] = (byOutcome[line.outcome] ?? 0) + 1;
    byEndNode[line.endNode] = (byEndNode[line.endNode] ?? 0) + 1;
  }
  return { source: 'log', total: lines.length, byOutcome, byEndNode };
}

/** The stats as plain text for IT staff (English labels; data as stored). */
export function formatStats(stats: ReviewStats): string {
  const out: string[] = [];
  const minutes = (value: number | undefined): string =>
    value === undefined ? '-' : `${value.toFixed(1)} min`;
  out.push(`Requests: ${stats.requests}`);
  out.push('By outcome (state):');
  for (const [state, count] of Object.entries(stats.byState).sort())
    out.push(`  ${state.padEnd(10)} ${count}`);
  out.push(
    `Time from request to decision:   n=${stats.toDecision.count} median=${minutes(stats.toDecision.medianMinutes)} p90=${minutes(stats.toDecision.p90Minutes)}`,
  );
  out.push(
    `Time from request to completion: n=${stats.toCompletion.count} median=${minutes(stats.toCompletion.medianMinutes)} p90=${minutes(stats.toCompletion.p90Minutes)}`,
  );
  out.push('Error codes seen (diagnosis and failed Graph steps):');
  if (stats.errorCodes.length === 0) out.push('  (none)');
  for (const { code, count } of stats.errorCodes) out.push(`  ${code} ${count}`);
  out.push('');
  if (stats.selfService.source === 'outcomes') {
    out.push(
      'Self-service resolution by diagnosis path (from the recorded outcome of every finished diagnosis;',
    );
    out.push('diagnoses abandoned before their end are not counted):');
  } else {
    out.push(
      'Self-service resolution by diagnosis path. NOTE: no recorded outcomes in this range (older data).',
    );
    out.push(
      'These numbers are reconstructed from the redacted transcripts still within retention: a segment',
    );
    out.push(
      'linked to a request counts as "request", the closing answer "solved" as resolved; typed answers',
    );
    out.push('and abandoned chats count as unknown and are left out of the rate.');
  }
  out.push(`  Diagnosis segments: ${stats.selfService.segments}`);
  for (const rate of stats.selfService.byPath) {
    const pct = rate.resolutionRate === undefined ? '-' : `${(rate.resolutionRate * 100).toFixed(0)}%`;
    out.push(
      `  ${pct.padStart(4)} resolved  (n=${rate.total}: resolved ${rate.resolved}, request ${rate.filedRequest}, helpdesk ${rate.referred}, unresolved ${rate.unresolved}, unknown ${rate.unknown})  ${rate.path}`,
    );
  }
  if (stats.loggedDiagnoses) {
    out.push('');
    out.push(`From the bot log ("diagnosis finished" lines): ${stats.loggedDiagnoses.total}`);
    for (const [outcome, count] of Object.entries(stats.loggedDiagnoses.byOutcome).sort())
      out.push(`  outcome ${outcome}: ${count}`);
    for (const [node, count] of Object.entries(stats.loggedDiagnoses.byEndNode).sort())
      out.push(`  end node ${node}: ${count}`);
  } else {
    out.push('(Pass --log FILE with the bot\'s JSON log to add the logged "diagnosis finished" outcomes.)');
  }
  return `${out.join('\n')}\n`;
}
