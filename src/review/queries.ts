import type { AuditRecord } from '../domain/audit';
import { redactText } from '../domain/redaction';
import { REQUEST_STATES, type RequestState, type ResetRequest } from '../domain/reset-request';
import { formatLocalTime } from '../i18n/format';
import type { AuditLog } from '../ports/audit-log';
import type { RequestStore } from '../ports/request-store';
import type { JsonValue, TranscriptEntry, TranscriptStore } from '../ports/transcript-store';

/**
 * The reviewer's read model (issue 7): searching requests and putting one request's record, audit
 * trail and transcript side by side. Shared by the Teams reviewer view and the review CLI, so both
 * show the same facts, always read from storage.
 */

/**
 * `YYYY-MM-DD` is midnight in `timeZone` (the next midnight with `endOfDay`, so an "until" day is
 * included); anything else must be an ISO 8601 instant. `undefined` for anything else.
 */
export function parseDateArg(text: string, timeZone: string, endOfDay = false): Date | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const utcMidnight = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (endOfDay ? 1 : 0));
    return new Date(utcMidnight - zoneOffsetMs(new Date(utcMidnight), timeZone));
  }
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    return undefined;
  }
  return date;
}

/** How far `timeZone` is ahead of UTC at `at`. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const local = formatLocalTime(at.toISOString(), timeZone); // "YYYY-MM-DD HH:mm:ss"
  const asUtc = Date.parse(`${local.replace(' ', 'T')}Z`);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

export function isRequestState(value: string): value is RequestState {
  return (REQUEST_STATES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------
// One request in full

export interface TimelineEvent {
  /** ISO 8601 UTC. */
  at: string;
  kind: 'state' | 'audit';
  /** For `state`: `FROM→TO`; for `audit`: the audit event type. */
  what: string;
  /** The actor's display name as it was recorded then; empty for the bot itself. */
  actorName: string;
  /** A short, redacted summary of the record's data (Graph step, outcome, refusal reason). */
  detail: string;
}

export interface TranscriptLine {
  at: string;
  direction: 'incoming' | 'outgoing';
  /** Who spoke: the activity's sender name as recorded (already redacted). */
  speaker: string;
  text: string;
}

export interface GraphStepSummary {
  name: string;
  status: string;
  at: string;
  graphRequestId: string | undefined;
  error: string | undefined;
}

export interface RequestDetail {
  request: ResetRequest;
  timeline: TimelineEvent[];
  audit: AuditRecord[];
  transcript: TranscriptLine[];
  steps: GraphStepSummary[];
  /** Method types still registered after a PARTIAL reset. */
  remaining: string[];
}

export interface DetailSources {
  requests: Pick<RequestStore, 'get'>;
  audit: Pick<AuditLog, 'list'>;
  transcripts: Pick<TranscriptStore, 'listByRequest'>;
  /** Deployment patterns (HELPDESK_SENSITIVE_PATTERNS) applied again to everything shown. */
  extraPatterns?: readonly RegExp[];
}

/** Everything a reviewer sees about one request, re-read from storage; `undefined` for an unknown id. */
export async function loadRequestDetail(
  sources: DetailSources,
  requestId: string,
): Promise<RequestDetail | undefined> {
  const stored = await sources.requests.get(requestId);
  if (!stored) return undefined;
  const [audit, entries] = await Promise.all([
    sources.audit.list({ requestId }),
    sources.transcripts.listByRequest(requestId),
  ]);
  const redact = redactor(sources.extraPatterns);
  const request = stored.request;
  return {
    request,
    audit,
    timeline: buildTimeline(request, audit, redact),
    transcript: transcriptLines(entries, redact),
    steps: (request.execution?.steps ?? []).map((step) => ({
      name: step.name,
      status: step.status,
      at: step.at,
      graphRequestId: step.graphRequestId,
      error: step.error === undefined ? undefined : redact(step.error),
    })),
    remaining: request.execution?.remaining ?? [],
  };
}

/** The decision as the audit trail holds it, compared with the request record. */
export interface AuditedDecision {
  /** The newest approved/denied record, if any. */
  record: AuditRecord | undefined;
  /** Fields where the request record says something else than the audit trail. */
  mismatches: string[];
  /** The request records a decision that no audit record holds. */
  missing: boolean;
}

/**
 * The request table can be edited by anyone with the database; the audit trail cannot without
 * breaking its chain. So a reviewer is shown the decision from the trail, and any difference.
 */
export function auditedDecision(request: ResetRequest, audit: readonly AuditRecord[]): AuditedDecision {
  const record = [...audit]
    .reverse()
    .find((r) => r.type === 'request.approved' || r.type === 'request.denied');
  const decision = request.decision;
  if (record === undefined) return { record, mismatches: [], missing: decision !== undefined };
  const mismatches: string[] = [];
  if (decision === undefined) mismatches.push('decision');
  else {
    if (record.actor?.id.toLowerCase() !== decision.approver.id.toLowerCase()) mismatches.push('approver');
    const data = record.data;
    if ((data.verificationMethod ?? undefined) !== decision.verificationMethod)
      mismatches.push('verification');
    if ((data.action ?? undefined) !== decision.action) mismatches.push('action');
    if (
      data.methodTypes !== undefined &&
      JSON.stringify(data.methodTypes) !== JSON.stringify(decision.methodTypes)
    ) {
      mismatches.push('methodTypes');
    }
    const denied = decision.denyReason !== undefined;
    if (denied !== (record.type === 'request.denied')) mismatches.push('outcome');
  }
  const deniedState = request.state === 'DENIED';
  if (deniedState !== (record.type === 'request.denied')) mismatches.push('state');
  return { record, mismatches: [...new Set(mismatches)], missing: false };
}

export type Redact = (text: string) => string;

export function redactor(extraPatterns: readonly RegExp[] = []): Redact {
  // Records are redacted when written; this is the second belt, for anything shown to a reviewer.
  return (text) => redactText(text, { extraPatterns });
}

/** State changes from the record's history and the audit records, merged in time order. */
export function buildTimeline(
  request: ResetRequest,
  audit: readonly AuditRecord[],
  redact: Redact = redactor(),
): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...request.history.map((entry): TimelineEvent => ({
      at: entry.at,
      kind: 'state',
      what: `${entry.from ?? '∅'}→${entry.to}`,
      actorName: redact(entry.actorName),
      detail: entry.note === undefined ? '' : redact(entry.note),
    })),
    ...audit.map((record): TimelineEvent => ({
      at: record.at,
      kind: 'audit',
      what: record.type,
      actorName: record.actor ? redact(record.actor.name) : '',
      detail: redact(summariseData(record.data)),
    })),
  ];
  // Stable: on equal times the state change (history) comes before the audit record that followed it.
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => (a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : a.index - b.index))
    .map(({ event }) => event);
}

const MAX_SUMMARY_CHARS = 300;

/** `key=value` pairs of an audit record's data, flat and short. */
export function summariseData(data: Record<string, unknown>): string {
  const parts = Object.entries(data).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return truncate(parts.join(', '), MAX_SUMMARY_CHARS);
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const MAX_CARD_TEXTS = 12;

/**
 * What each stored activity said, as readable lines: typed text, the texts of a card the bot sent,
 * a button's submitted value. Invoke plumbing (responses, typing) is left out.
 */
export function transcriptLines(
  entries: readonly TranscriptEntry[],
  redact: Redact = redactor(),
): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const entry of entries) {
    const activity = entry.activity;
    if (entry.activityType !== 'message' && entry.activityType !== 'invoke') continue;
    const parts: string[] = [];
    if (typeof activity.text === 'string' && activity.text.trim() !== '') parts.push(activity.text.trim());
    const attachments = Array.isArray(activity.attachments) ? activity.attachments : [];
    for (const attachment of attachments) {
      const texts: string[] = [];
      collectCardTexts(isObject(attachment) ? attachment.content : undefined, texts);
      if (texts.length > 0) parts.push(texts.slice(0, MAX_CARD_TEXTS).join(' / '));
    }
    if (activity.value !== undefined && activity.value !== null) {
      parts.push(`[${describeValue(activity.value)}]`);
    }
    if (parts.length === 0) continue;
    const from = isObject(activity.from) && typeof activity.from.name === 'string' ? activity.from.name : '';
    lines.push({
      at: entry.at.toISOString(),
      direction: entry.direction,
      speaker: redact(from),
      text: redact(parts.join('\n')),
    });
  }
  return lines;
}

function describeValue(value: JsonValue): string {
  if (isObject(value)) {
    const action = isObject(value.action) ? value.action : undefined;
    if (action && typeof action.verb === 'string') return `verb=${action.verb}`;
    return Object.entries(value)
      .flatMap(([key, item]) =>
        typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean'
          ? [`${key}=${String(item)}`]
          : [],
      )
      .join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** TextBlock and FactSet texts of an Adaptive Card, in document order. */
function collectCardTexts(node: JsonValue | undefined, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectCardTexts(item, out);
    return;
  }
  if (!isObject(node)) return;
  if (node.type === 'TextBlock' && typeof node.text === 'string') out.push(node.text);
  if (node.type === 'FactSet' && Array.isArray(node.facts)) {
    for (const fact of node.facts) {
      if (isObject(fact)) out.push(`${scalar(fact.title)}: ${scalar(fact.value)}`);
    }
  }
  if (node.type === 'Input.ChoiceSet' && Array.isArray(node.choices)) {
    const titles = node.choices.flatMap((choice) =>
      isObject(choice) && typeof choice.title === 'string' ? [choice.title] : [],
    );
    if (titles.length > 0) out.push(titles.join(' | '));
  }
  for (const key of ['body', 'items', 'columns', 'actions', 'card']) collectCardTexts(node[key], out);
  if (typeof node.type === 'string' && node.type.startsWith('Action.') && typeof node.title === 'string') {
    out.push(`(${node.title})`);
  }
}

function scalar(value: JsonValue | undefined): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
