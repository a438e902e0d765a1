import { createHmac, hkdfSync } from 'node:crypto';
import { AppError } from '../errors';
import { redactDeep, redactText } from './redaction';
import { isRequestId } from './reset-request';

/**
 * The tamper-evident audit trail (DESIGN.md section 3, "Audit"): records form an HMAC chain, so an
 * edited, removed or reordered record breaks the chain at that point, and the chain head is written
 * to the application log at every append, so a removed *last* record shows up against that head.
 *
 * The chain shows tampering by anyone without the key. Someone who holds the key can rebuild the
 * whole chain; only the heads already written to the log (kept elsewhere) catch that.
 */

export const AUDIT_EVENT_TYPES = [
  'request.created',
  /** Request details opened by an approver or a reviewer. */
  'request.viewed',
  'request.claimed',
  'request.approved',
  'request.denied',
  'request.cancelled',
  'request.expired',
  'request.reminder_sent',
  /** An attempt refused: not an approver, own request, privileged target, tampered data, monthly cap, … */
  'request.refused',
  /** One Graph call of the executor, with Graph's request-id and the outcome. */
  'graph.step',
  'notice.sent',
  'notice.undeliverable',
  /** The requester typed the release code: right ('release.verified'), wrong, or wrong too often. */
  'release.verified',
  'release.refused',
  'release.held',
  /** A worker took an approved request; written with that change, before any Graph change. */
  'request.executing',
  /** The executor's end state: DONE, PARTIAL or FAILED. */
  'request.settled',
  'transcript.viewed',
  'review.refused',
  'review.listed',
  /** Requests exported by the review CLI (HTML, JSON, CSV). */
  'review.exported',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

const EVENT_TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);

export function isAuditEventType(value: unknown): value is AuditEventType {
  return typeof value === 'string' && EVENT_TYPES.has(value);
}

/** Who did it, with their display name as it was then: a later rename must not rewrite history. */
export interface AuditActor {
  id: string;
  name: string;
}

/** What a caller hands to `AuditLog.append`; the log adds seq, time and the chain fields. */
export interface AuditEvent {
  type: AuditEventType;
  /** Only a real request id (`REQ-…`); ids taken from tampered card data belong in `data`. */
  requestId?: string;
  /** `null` when the bot itself acted (sweepers, the executor). */
  actor: AuditActor | null;
  /** Redacted before it is hashed or stored. Never pass a Temporary Access Pass, even under another key. */
  data?: Record<string, unknown>;
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601 UTC, taken inside the append's write lock. */
  at: string;
  type: AuditEventType;
  requestId?: string;
  actor: AuditActor | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** `prevHash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export const MIN_AUDIT_SECRET_LENGTH = 32;

/** The message of the log line that carries `auditHead` after every append. */
export const AUDIT_HEAD_LOG_MESSAGE = 'audit chain head';

/** Larger payloads are a caller's mistake (or an attacker's card data) and would bloat the trail. */
export const MAX_AUDIT_DATA_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------------------
// Key

const HKDF_INFO = 'mfa-helpdesk-bot/audit-chain/hmac-sha256/v1';

/**
 * The HMAC key of the chain, derived from the configured secret (HELPDESK_AUDIT_KEY) with
 * HKDF-SHA256. HMAC would accept the secret as it is; deriving gives a key that is used for nothing
 * but this chain even if an operator reuses the same string elsewhere, a fixed 32-byte length
 * whatever the secret's length, and a versioned label (`…/v1`) should the scheme ever change. The
 * bytes sit in a private field, so logging or inspecting the object shows nothing.
 */
export class AuditKey {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static fromSecret(secret: string): AuditKey {
    if (typeof secret !== 'string' || secret.length < MIN_AUDIT_SECRET_LENGTH) {
      throw new AppError(
        'CONFIG_INVALID',
        `The audit key must be at least ${MIN_AUDIT_SECRET_LENGTH} characters long.`,
        { details: ['HELPDESK_AUDIT_KEY'] },
      );
    }
    const derived = hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32);
    return new AuditKey(Buffer.from(derived));
  }

  /** Hex HMAC-SHA256 of `text` (UTF-8). */
  sign(text: string): string {
    return createHmac('sha256', this.#key).update(text, 'utf8').digest('hex');
  }

  toJSON(): string {
    return '[AuditKey]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AuditKey]';
  }
}

/** A configured secret string is derived with {@link AuditKey.fromSecret}; an `AuditKey` is used as it is. */
export type AuditKeyInput = AuditKey | string;

export function toAuditKey(key: AuditKeyInput): AuditKey {
  return key instanceof AuditKey ? key : AuditKey.fromSecret(key);
}

// ---------------------------------------------------------------------------------------------------
// Canonical JSON

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) at every level and no
 * whitespace, so the same content always hashes the same whatever order its keys were built in.
 * Properties whose value is `undefined` are left out and `toJSON` is honoured, as in
 * `JSON.stringify`; values JSON cannot carry faithfully (NaN, Infinity, bigint, functions, symbols,
 * maps, sets, class instances, cycles) throw instead of silently changing what was hashed.
 */
export function canonicalJson(value: unknown): string {
  return new CanonicalWriter().write(value, '');
}

class CanonicalWriter {
  private readonly onPath = new Set<object>();

  write(value: unknown, path: string): string {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        // Escapes lone surrogates, so the text survives a UTF-8 store and read unchanged.
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) throw unsupported(path, String(value));
        return JSON.stringify(value);
      case 'object':
        return this.writeObject(value, path);
      default:
        throw unsupported(path, typeof value);
    }
  }

  private writeObject(value: object, path: string): string {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return this.write((toJSON as () => unknown).call(value), path);
    }
    if (this.onPath.has(value)) throw unsupported(path, 'a circular reference');
    this.onPath.add(value);
    try {
      if (Array.isArray(value)) {
        const items = (value as unknown[]).map((item, index) =>
          // JSON writes a hole or undefined in an array as null; keep that so a round trip is stable.
          item === undefined ? 'null' : this.write(item, `${path}[${index}]`),
        );
        return `[${items.join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw unsupported(path, `a ${name}`);
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined) continue;
        members.push(`${JSON.stringify(key)}:${this.write(member, `${path}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    } finally {
      this.onPath.delete(value);
    }
  }
}

function unsupported(path: string, what: string): AppError {
  return new AppError(
    'BAD_REQUEST',
    `Audit data at "${path || '(root)'}" is ${what}, which JSON cannot hold.`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Building records

/** The event as it will be hashed and stored: validated, redacted, and in its JSON-read-back form. */
export interface PreparedAuditEvent {
  type: AuditEventType;
  requestId?: string;
  actor: AuditActor | null;
  data: Record<string, unknown>;
  /** `data` as canonical JSON, which is what a store keeps. */
  dataJson: string;
}

/**
 * Checks an event and redacts it: phone numbers in any string keep only their last two digits and
 * values under secret-looking keys (`temporaryAccessPass`, `pass`, `token`, …) become `[REDACTED]`.
 * `data` comes back as it will read back from storage (dates as ISO strings, no undefined members),
 * so the hash computed at append is the hash the verifier recomputes later.
 */
export function prepareAuditEvent(event: AuditEvent): PreparedAuditEvent {
  if (typeof event !== 'object' || event === null) {
    throw new AppError('BAD_REQUEST', 'An audit event must be an object.');
  }
  if (!isAuditEventType(event.type)) {
    throw new AppError('BAD_REQUEST', `"${String(event.type)}" is not an audit event type.`);
  }
  if (event.requestId !== undefined && !isRequestId(event.requestId)) {
    throw new AppError(
      'BAD_REQUEST',
      'An audit requestId must be a request id; put an unverified id in data instead.',
    );
  }
  const actor = prepareActor(event.actor);
  const rawData = event.data ?? {};
  if (typeof rawData !== 'object' || rawData === null || Array.isArray(rawData)) {
    throw new AppError('BAD_REQUEST', 'Audit data must be an object.');
  }
  const dataJson = canonicalJson(redactDeep(plainErrors(rawData)));
  if (dataJson.length > MAX_AUDIT_DATA_CHARS) {
    throw new AppError(
      'BAD_REQUEST',
      `Audit data is ${dataJson.length} characters as JSON; the limit is ${MAX_AUDIT_DATA_CHARS}.`,
    );
  }
  const prepared: PreparedAuditEvent = {
    type: event.type,
    actor,
    data: JSON.parse(dataJson) as Record<string, unknown>,
    dataJson,
  };
  if (event.requestId !== undefined) prepared.requestId = event.requestId;
  return prepared;
}

function prepareActor(actor: AuditActor | null | undefined): AuditActor | null {
  if (actor === null) return null;
  if (
    typeof actor !== 'object' ||
    typeof actor.id !== 'string' ||
    actor.id.trim() === '' ||
    typeof actor.name !== 'string'
  ) {
    throw new AppError('BAD_REQUEST', 'An audit actor must be null (the bot) or { id, name } strings.');
  }
  // Only these two fields: a caller's richer user object must not leak more into the trail. These
  // are stored as plain text columns, so they are made well-formed for UTF-8 first.
  return { id: wellFormed(redactText(actor.id)), name: wellFormed(redactText(actor.name)) };
}

/** Errors have no enumerable message; callers reasonably pass `{ error }` for a failed step. */
function plainErrors(data: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines properties, so a `__proto__` key stays data instead of becoming a prototype.
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, value instanceof Error ? plainError(value) : value]),
  );
}

function plainError(value: Error): Record<string, unknown> {
  const error: Record<string, unknown> = { name: value.name, message: value.message };
  const { code, requestId } = value as { code?: unknown; requestId?: unknown };
  if (typeof code === 'string') error.code = code;
  if (typeof requestId === 'string') error.requestId = requestId;
  return error;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** The exact text the HMAC covers. */
export function chainedContent(record: Omit<AuditRecord, 'hash'>): string {
  return canonicalJson({
    seq: record.seq,
    at: record.at,
    type: record.type,
    requestId: record.requestId,
    actor: record.actor,
    data: record.data,
    prevHash: record.prevHash,
  });
}

export function computeAuditHash(record: Omit<AuditRecord, 'hash'>, key: AuditKey): string {
  return key.sign(chainedContent(record));
}

/** Links a prepared event after `previous` (or at the start of the chain when there is none). */
export function sealAuditRecord(
  event: PreparedAuditEvent,
  previous: ChainHead | undefined,
  at: Date,
  key: AuditKey,
): AuditRecord {
  if (Number.isNaN(at.getTime())) {
    throw new AppError('BAD_REQUEST', 'The audit clock returned an invalid time.');
  }
  const unsealed: Omit<AuditRecord, 'hash'> = {
    seq: (previous?.seq ?? 0) + 1,
    at: at.toISOString(),
    type: event.type,
    actor: event.actor,
    data: event.data,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  if (event.requestId !== undefined) unsealed.requestId = event.requestId;
  return { ...unsealed, hash: computeAuditHash(unsealed, key) };
}

// ---------------------------------------------------------------------------------------------------
// Verifying

export type ChainBreakReason =
  /** The record's content does not match its hash: edited, or the key is wrong. */
  | 'hash_mismatch'
  /** The record does not point at the record before it: a record was swapped in or renumbered. */
  | 'prev_mismatch'
  /** A sequence number is missing: a record was deleted. */
  | 'seq_gap'
  /** A sequence number comes back or repeats: records were reordered or duplicated. */
  | 'seq_order'
  /** The record at a logged head's seq is not the one that was logged: the chain was rebuilt. */
  | 'head_mismatch'
  /** The chain ends before a logged head: records were removed from the end. */
  | 'truncated';

export type ChainVerification =
  | { ok: true; count: number; head: ChainHead | undefined }
  | { ok: false; brokenAt: number; reason: ChainBreakReason };

/**
 * Heads the log recorded. One head is the usual input (the last one logged); passing every logged
 * head also catches a removed last record that later appends have papered over.
 */
export type ExpectedHeads = ChainHead | readonly ChainHead[];

/**
 * Checks a chain record by record in sequence order, holding only the previous link, so a log of
 * any size can be streamed through it. `brokenAt` is the seq of the first link that cannot be
 * trusted: the missing one for a gap or truncation, the offending record otherwise.
 */
export class ChainVerifier {
  private readonly key: AuditKey;
  private readonly expected = new Map<number, string>();
  /** Seqs for which the log holds two different heads: the chain was forked or rebuilt there. */
  private readonly conflicting = new Set<number>();
  private readonly expectedTop: number;
  private nextSeq = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private broken: { brokenAt: number; reason: ChainBreakReason } | undefined;

  constructor(key: AuditKeyInput, expectedHeads?: ExpectedHeads) {
    this.key = toAuditKey(key);
    const heads =
      expectedHeads === undefined ? [] : isHeadList(expectedHeads) ? expectedHeads : [expectedHeads];
    let top = 0;
    for (const head of heads) {
      if (!Number.isSafeInteger(head.seq) || head.seq < 1 || !/^[0-9a-f]{64}$/.test(head.hash)) {
        throw new AppError('BAD_REQUEST', `${JSON.stringify(head)} is not an audit chain head.`);
      }
      const known = this.expected.get(head.seq);
      if (known !== undefined && known !== head.hash) this.conflicting.add(head.seq);
      this.expected.set(head.seq, head.hash);
      top = Math.max(top, head.seq);
    }
    this.expectedTop = top;
  }

  /** The seq the next record must have. */
  get expectedSeq(): number {
    return this.nextSeq;
  }

  /** Whether the chain is still intact after `record`; once broken, later records are ignored. */
  push(record: AuditRecord): boolean {
    if (this.broken !== undefined) return false;
    const seq = record.seq;
    if (seq !== this.nextSeq) {
      const backwards = !Number.isSafeInteger(seq) || seq < this.nextSeq;
      return this.fail(this.nextSeq, backwards ? 'seq_order' : 'seq_gap');
    }
    if (record.prevHash !== this.prevHash) return this.fail(seq, 'prev_mismatch');
    if (!this.hashMatches(record)) return this.fail(seq, 'hash_mismatch');
    const logged = this.expected.get(seq);
    if (this.conflicting.has(seq) || (logged !== undefined && logged !== record.hash)) {
      return this.fail(seq, 'head_mismatch');
    }
    this.prevHash = record.hash;
    this.nextSeq = seq + 1;
    this.count += 1;
    return true;
  }

  finish(): ChainVerification {
    if (this.broken !== undefined) return { ok: false, ...this.broken };
    if (this.nextSeq <= this.expectedTop) return { ok: false, brokenAt: this.nextSeq, reason: 'truncated' };
    const head = this.count === 0 ? undefined : { seq: this.nextSeq - 1, hash: this.prevHash };
    return { ok: true, count: this.count, head };
  }

  private hashMatches(record: AuditRecord): boolean {
    try {
      const { hash, ...unsealed } = record;
      return typeof hash === 'string' && computeAuditHash(unsealed, this.key) === hash;
    } catch {
      // Content that cannot even be serialised was not written by the log.
      return false;
    }
  }

  private fail(brokenAt: number, reason: ChainBreakReason): false {
    this.broken ??= { brokenAt, reason };
    return false;
  }
}

function isHeadList(heads: ExpectedHeads): heads is readonly ChainHead[] {
  return Array.isArray(heads);
}

/**
 * Verifies records that should form the whole chain from seq 1 in order, and reports the first
 * broken link. Against `expectedHeads` (from the log) it also catches removed last records.
 */
export function verifyChain(
  records: readonly AuditRecord[],
  key: AuditKeyInput,
  expectedHeads?: ExpectedHeads,
): ChainVerification {
  const verifier = new ChainVerifier(key, expectedHeads);
  for (let index = 0; index < records.length; index++) {
    const missing = verifier.expectedSeq;
    if (verifier.push(records[index])) continue;
    const result = verifier.finish();
    // A missing seq that turns up further on was moved, not deleted.
    if (
      !result.ok &&
      result.reason === 'seq_gap' &&
      records.slice(index + 1).some((r) => r.seq === missing)
    ) {
      return { ok: false, brokenAt: result.brokenAt, reason: 'seq_order' };
    }
    return result;
  }
  return verifier.finish();
}

/**
 * Streams a chain (for instance `AuditLog.all()`) through {@link ChainVerifier}. Sources that read
 * in seq order cannot show a reordering as such: a swapped record reads as a prev or hash mismatch.
 */
export async function verifyChainAsync(
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  key: AuditKeyInput,
  expectedHeads?: ExpectedHeads,
): Promise<ChainVerification> {
  const verifier = new ChainVerifier(key, expectedHeads);
  for await (const record of records) {
    if (!verifier.push(record)) break;
  }
  return verifier.finish();
}

/**
 * The chain heads found in log output (pino's JSON lines, as written after every append), in the
 * order they appear. Lines that are not JSON or carry no head are skipped, so a whole mixed log can
 * be passed in.
 */
export function parseLoggedHeads(logText: string): ChainHead[] {
  const heads: ChainHead[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('"auditHead"')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const head = (parsed as { auditHead?: { seq?: unknown; hash?: unknown } } | null)?.auditHead;
    if (typeof head?.seq === 'number' && typeof head.hash === 'string') {
      heads.push({ seq: head.seq, hash: head.hash });
    }
  }
  return heads;
}
