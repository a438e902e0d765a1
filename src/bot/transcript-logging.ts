import { randomUUID } from 'node:crypto';
import {
  ActivityEventNames,
  ActivityTypes,
  TurnContext,
  type Activity,
  type Middleware,
  type ResourceResponse,
} from 'botbuilder';
import { notesOf, type TurnNotes } from '../../dialogs/turn-marks';
import { isRequestId } from '../domain/reset-request';
import { redactDeep } from '../domain/redaction';
import type { Logger } from '../log';
import type {
  JsonObject,
  JsonValue,
  TranscriptDirection,
  TranscriptEntry,
  TranscriptStore,
} from '../ports/transcript-store';

export interface TranscriptLoggingOptions {
  store: TranscriptStore;
  /** The redacting application logger; failed writes are reported here. */
  logger: Logger;
  /** HELPDESK_SENSITIVE_PATTERNS: every match becomes `[REDACTED]`. */
  extraPatterns?: readonly RegExp[];
  now?: () => Date;
  newSegmentId?: () => string;
}

interface Captured {
  readonly direction: TranscriptDirection;
  readonly at: Date;
  /** A deep copy taken at capture time; it holds clear text until the end of the turn. */
  readonly copy: object;
  /** The copy is plain JSON already (the usual case), so its redacted copy needs no JSON round trip. */
  readonly plain: boolean;
}

/** One turn of one conversation, from the first capture to the last write. */
class TurnTranscript {
  readonly pending: Captured[] = [];
  ended = false;
  /** Settled on the conversation's write queue, so every write of the turn uses the same one. */
  segmentId: string | undefined;

  constructor(
    readonly conversationId: string,
    readonly notes: TurnNotes,
  ) {}
}

/**
 * Writes every activity into and out of the bot (messages, cards, invokes, invoke responses, updates,
 * deletes) to the transcript store, redacted. Install it first with `adapter.use(...)`, so that it sees
 * what the other middleware and the bot send.
 *
 * It follows botbuilder's TranscriptLoggerMiddleware (same hooks, same `messageUpdate` and
 * `messageDelete` entries, same skipped ContinueConversation event) but does not use it, because that
 * middleware (4.23) sets `from.role` on the live incoming activity, copies activities one level deep and
 * reads them only at the end of the turn, and drops the whole turn when the bot throws — the turns a
 * reviewer most needs. Here:
 * - each activity is deep-copied when it is seen; the live activity is never touched;
 * - the copies are redacted when the turn ends, with every secret registered during the turn, so a
 *   value registered after the incoming activity arrived is still removed from it;
 * - the turn is written even when the bot throws, and activities sent after that (the error message of
 *   `onTurnError`) are written as they come;
 * - writes run after the turn on a queue per conversation, so they keep their order and never delay or
 *   break the conversation: a failure is logged and counted in `failedWrites`.
 */
export class TranscriptLoggingMiddleware implements Middleware {
  private readonly store: TranscriptStore;
  private readonly logger: Logger;
  private readonly extraPatterns: readonly RegExp[];
  private readonly now: () => Date;
  private readonly newSegmentId: () => string;
  private readonly queues = new Map<string, Promise<void>>();
  private failed = 0;
  private dropped = 0;

  constructor(options: TranscriptLoggingOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.extraPatterns = options.extraPatterns ?? [];
    this.now = options.now ?? (() => new Date());
    this.newSegmentId = options.newSegmentId ?? (() => `seg-${randomUUID()}`);
  }

  /** Store calls (appends, segment look-ups, links) that failed since start. */
  get failedWrites(): number {
    return this.failed;
  }

  /** Activities that never reached the store. */
  get droppedEntries(): number {
    return this.dropped;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (typeof conversationId !== 'string' || conversationId === '') {
      // Nothing to file it under; the turn itself is none of this middleware's business.
      await next();
      return;
    }
    const turn = new TurnTranscript(conversationId, notesOf(context));
    this.capture(turn, 'incoming', context.activity);

    context.onSendActivities(async (_context, activities, sendNext) => {
      const responses = await sendNext();
      // Some adapters answer without resource responses, whatever the type says.
      const sent: readonly ResourceResponse[] = responses ?? [];
      activities.forEach((activity, index) => {
        // The channel's id, so a later update or delete can be matched to this entry.
        const id = sent[index]?.id ?? activity.id;
        this.capture(turn, 'outgoing', activity, id === undefined ? {} : { id });
      });
      return responses;
    });
    context.onUpdateActivity(async (_context, activity, updateNext) => {
      await updateNext();
      this.capture(turn, 'outgoing', activity, { type: ActivityTypes.MessageUpdate });
    });
    context.onDeleteActivity(async (_context, reference, deleteNext) => {
      await deleteNext();
      const deletion = TurnContext.applyConversationReference(
        { type: ActivityTypes.MessageDelete, id: reference.activityId },
        reference,
        false,
      );
      this.capture(turn, 'outgoing', deletion);
    });

    try {
      await next();
    } finally {
      turn.ended = true;
      this.flush(turn);
    }
  }

  /** Resolves once every write queued so far has settled; for shutdown and tests. */
  async drain(): Promise<void> {
    while (this.queues.size > 0) {
      await Promise.all([...this.queues.values()]);
    }
  }

  private capture(
    turn: TurnTranscript,
    direction: TranscriptDirection,
    activity: Partial<Activity>,
    overrides: Partial<Activity> = {},
  ): void {
    // Skills and proactive sends start their turn with this synthetic event; it is nobody's words.
    if (activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation) {
      return;
    }
    try {
      const { copy, plain } = this.deepCopy(activity);
      // The overrides are strings (an id, a type), so a plain copy stays plain.
      Object.assign(copy, overrides);
      turn.pending.push({ direction, at: this.now(), copy, plain });
    } catch (error) {
      this.dropped += 1;
      this.logger.error({ err: error, direction }, 'transcript: could not copy an activity');
    }
    if (turn.ended) this.flush(turn);
  }

  /** Plain JSON, detached from the live activity and everything it refers to. */
  private deepCopy(activity: Partial<Activity>): { copy: object; plain: boolean } {
    try {
      return { copy: JSON.parse(JSON.stringify(activity, jsonSafe)) as object, plain: true };
    } catch {
      // A cycle: redactDeep copies those too, and the final redaction at the end of the turn still runs.
      return { copy: redactDeep(activity, { extraPatterns: this.extraPatterns }), plain: false };
    }
  }

  /** Redacts what the turn captured so far and queues it for writing, with the turn's request links. */
  private flush(turn: TurnTranscript): void {
    const captured = turn.pending.splice(0);
    const requestIds = turn.notes.requestIds.splice(0);
    if (captured.length === 0 && requestIds.length === 0) return;
    const knownSecrets = [...turn.notes.secrets];
    const phones = longestFirst(turn.notes.phones);
    // Redacting and writing wait for the next turn of the event loop, so the person's answer is sent
    // first; the copies were taken when each activity was seen.
    this.enqueue(turn.conversationId, async () => {
      await nextTick();
      const entries: Array<Omit<TranscriptEntry, 'segmentId'>> = [];
      for (const item of captured) {
        try {
          entries.push(this.redact(turn.conversationId, item, knownSecrets, phones));
        } catch (error) {
          this.dropped += 1;
          this.logger.error({ err: error }, 'transcript: could not redact an activity');
        }
      }
      await this.write(turn, entries, requestIds);
    });
  }

  private redact(
    conversationId: string,
    item: Captured,
    knownSecrets: readonly string[],
    phones: readonly string[],
  ): Omit<TranscriptEntry, 'segmentId'> {
    const redacted = redactDeep(item.copy, { knownSecrets, extraPatterns: this.extraPatterns });
    // Redacting plain JSON replaces strings with strings: the result is plain JSON too.
    const json = item.plain && isJsonObject(redacted) ? redacted : toJsonObject(redacted);
    const activity = phones.length > 0 ? maskPhonesIn(json, phones) : json;
    const type = activity.type;
    return {
      conversationId,
      at: item.at,
      direction: item.direction,
      activityType: typeof type === 'string' && type !== '' ? type : 'unknown',
      activity,
    };
  }

  private async write(
    turn: TurnTranscript,
    entries: ReadonlyArray<Omit<TranscriptEntry, 'segmentId'>>,
    requestIds: readonly string[],
  ): Promise<void> {
    const { conversationId } = turn;
    let segmentId: string;
    try {
      segmentId = turn.segmentId ?? (await this.settleSegment(turn));
    } catch (error) {
      this.reportFailure(error, conversationId, entries.length, 'finding the transcript segment');
      return;
    }
    if (entries.length > 0) {
      try {
        await this.store.append(...entries.map((entry) => ({ ...entry, segmentId })));
      } catch (error) {
        this.reportFailure(error, conversationId, entries.length, 'appending to the transcript');
      }
    }
    for (const requestId of requestIds) {
      try {
        if (!isRequestId(requestId)) {
          // Only ids that can never be mistaken for a phone number are linked.
          throw new Error('not a request id');
        }
        await this.store.linkRequest(conversationId, segmentId, requestId);
      } catch (error) {
        this.reportFailure(error, conversationId, 0, 'linking the transcript to a request');
      }
    }
  }

  /**
   * Runs on the conversation's queue, after the previous turn's entries are stored, so "the latest
   * segment" is the one that turn used.
   */
  private async settleSegment(turn: TurnTranscript): Promise<string> {
    const segmentId = turn.notes.startsSegment
      ? this.newSegmentId()
      : ((await this.store.latestSegmentId(turn.conversationId)) ?? this.newSegmentId());
    turn.segmentId = segmentId;
    return segmentId;
  }

  private enqueue(conversationId: string, task: () => Promise<void>): void {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const queued = previous.then(task).catch((error: unknown) => {
      this.reportFailure(error, conversationId, 0, 'writing the transcript');
    });
    this.queues.set(conversationId, queued);
    void queued.then(() => {
      if (this.queues.get(conversationId) === queued) this.queues.delete(conversationId);
    });
  }

  private reportFailure(error: unknown, conversationId: string, entries: number, doing: string): void {
    this.failed += 1;
    this.dropped += entries;
    try {
      this.logger.error(
        { err: error, conversationId, entries, failedWrites: this.failed },
        `transcript: ${doing} failed; the conversation goes on`,
      );
    } catch {
      // A broken logger must not turn a lost transcript line into a broken conversation.
    }
  }
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The mark redactText gives a phone number; the transcript tests hold the two together. */
function phoneMark(phone: string): string {
  return `[phone •••${phone
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .slice(-2)}]`;
}

function longestFirst(values: ReadonlySet<string>): string[] {
  // A number that contains another (the raw text around a national form) is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** Runs after the pattern rules, so it only meets the numbers they left in clear. */
function maskPhonesIn(activity: JsonObject, phones: readonly string[]): JsonObject {
  const mask = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') {
      let out = value;
      for (const phone of phones) {
        if (out.includes(phone)) out = out.split(phone).join(phoneMark(phone));
      }
      return out;
    }
    if (Array.isArray(value)) return value.map(mask);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, mask(child)]));
    }
    return value;
  };
  return mask(activity) as JsonObject;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toJsonObject(value: unknown): JsonObject {
  const json: unknown = JSON.parse(JSON.stringify(value, jsonSafe));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('a transcript activity must be a JSON object');
  }
  return json as JsonObject;
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
