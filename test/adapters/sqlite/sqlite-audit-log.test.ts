import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log';
import {
  AUDIT_HEAD_LOG_MESSAGE,
  parseLoggedHeads,
  verifyChainAsync,
  type AuditEvent,
  type AuditRecord,
  type ChainHead,
} from '../../../src/domain/audit';
import { isAppError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { tempFolder } from './sqlite-test-support';

const SECRET = 'sqlite-audit-test-secret-0123456789abcdef';
const OTHER_SECRET = 'not-the-audit-secret-0123456789abcdefghij';
const START = Date.parse('2025-01-06T00:00:00.000Z');

const folder = tempFolder();
let counter = 0;
const open: SqliteDatabase[] = [];

afterEach(() => {
  for (const db of open.splice(0)) {
    db.close();
  }
});
afterAll(() => folder.cleanup());

function freshFile(): string {
  counter += 1;
  return folder.path(`audit-${counter}.sqlite`);
}

interface Harness {
  file: string;
  db: SqliteDatabase;
  log: SqliteAuditLog;
  /** Every line the logger wrote, as one text. */
  logText: () => string;
  /** The last chain head written to the log. */
  loggedHead: () => ChainHead | undefined;
}

/** A log on a fresh file whose clock advances one second per reading. */
function harness(file = freshFile(), options: { busyTimeoutMs?: number } = {}): Harness {
  const db = openDatabase(file, options);
  open.push(db);
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  let tick = 0;
  const now = (): Date => new Date(START + 1000 * ++tick);
  const log = new SqliteAuditLog(db, { key: SECRET, logger, now });
  return {
    file,
    db,
    log,
    logText: () => lines.join(''),
    loggedHead: () => parseLoggedHeads(lines.join('')).pop(),
  };
}

const approver = { id: '00000000-0000-4000-8000-000000000001', name: 'Sato Admin' };
const requester = { id: '00000000-0000-4000-8000-000000000002', name: 'Tanaka Hanako' };

function sampleEvents(): AuditEvent[] {
  return [
    { type: 'request.created', requestId: 'REQ-7K3F9Q', actor: requester, data: { situation: 'S1a' } },
    { type: 'request.viewed', requestId: 'REQ-7K3F9Q', actor: approver },
    { type: 'review.listed', actor: approver, data: { count: 1 } },
    {
      type: 'request.approved',
      requestId: 'REQ-7K3F9Q',
      actor: approver,
      data: { verification: 'video_call' },
    },
    { type: 'graph.step', requestId: 'REQ-7K3F9Q', actor: null, data: { step: 'deleteMethod', ok: true } },
    { type: 'request.created', requestId: 'REQ-AB3CD4', actor: approver, data: {} },
  ];
}

async function appendAll(log: SqliteAuditLog, events: readonly AuditEvent[]): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (const event of events) {
    records.push(await log.append(event));
  }
  return records;
}

async function collect(source: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of source) {
    records.push(record);
  }
  return records;
}

async function caughtCode(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) {
    throw new Error(`expected an AppError, got ${String(error)}`);
  }
  return error.code;
}

/**
 * Changes the file the way someone with access to it would: a plain connection of their own, the
 * append-only triggers dropped first.
 */
function tamper(file: string, ...statements: string[]): void {
  const raw = new Database(file);
  try {
    raw.exec(`
      DROP TRIGGER audit_log_no_update;
      DROP TRIGGER audit_log_no_delete;
      DROP TRIGGER audit_log_extends_head;
    `);
    for (const statement of statements) {
      raw.exec(statement);
    }
  } finally {
    raw.close();
  }
}

describe('SqliteAuditLog: append, list, head', () => {
  it('starts empty', async () => {
    const { log } = harness();
    await expect(log.head()).resolves.toBeUndefined();
    await expect(log.list()).resolves.toEqual([]);
    await expect(collect(log.all())).resolves.toEqual([]);
  });

  it('appends linked records and reads back exactly what append returned', async () => {
    const { log } = harness();
    const appended = await appendAll(log, sampleEvents());
    expect(appended.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(appended[0]?.at).toBe('2025-01-06T00:00:01.000Z');
    expect(appended[1]?.prevHash).toBe(appended[0]?.hash);
    expect(appended[4]?.actor).toBeNull();
    expect(appended[1]?.data).toEqual({});
    expect('requestId' in appended[2]).toBe(false);
    await expect(log.list()).resolves.toEqual(appended);
    await expect(log.head()).resolves.toEqual({ seq: 6, hash: appended[5]?.hash });
  });

  it('filters by request, types, time and seq, always in seq order', async () => {
    const { log } = harness();
    await appendAll(log, sampleEvents());
    const seqs = async (filter: Parameters<SqliteAuditLog['list']>[0]): Promise<number[]> =>
      (await log.list(filter)).map((r) => r.seq);
    await expect(seqs({ requestId: 'REQ-7K3F9Q' })).resolves.toEqual([1, 2, 4, 5]);
    await expect(seqs({ requestId: 'REQ-XXXXXX' })).resolves.toEqual([]);
    await expect(seqs({ types: ['request.created', 'graph.step'] })).resolves.toEqual([1, 5, 6]);
    await expect(seqs({ types: [] })).resolves.toEqual([]);
    await expect(seqs({ since: new Date(START + 2000), until: new Date(START + 4000) })).resolves.toEqual([
      2, 3,
    ]);
    await expect(seqs({ requestId: 'REQ-7K3F9Q', limit: 2 })).resolves.toEqual([1, 2]);
    await expect(seqs({ requestId: 'REQ-7K3F9Q', afterSeq: 2, limit: 1 })).resolves.toEqual([4]);
    await expect(seqs({ limit: 0 })).resolves.toEqual([]);
  });

  it('refuses invalid filters and events without writing anything', async () => {
    const { log, logText } = harness();
    await expect(caughtCode(log.list({ limit: -1 }))).resolves.toBe('BAD_REQUEST');
    await expect(caughtCode(log.list({ afterSeq: 1.5 }))).resolves.toBe('BAD_REQUEST');
    await expect(caughtCode(log.list({ since: new Date(Number.NaN) }))).resolves.toBe('BAD_REQUEST');
    const badType = ['request.deleted'] as unknown as AuditEvent['type'][];
    await expect(caughtCode(log.list({ types: badType }))).resolves.toBe('BAD_REQUEST');
    await expect(caughtCode(collect(log.all({ pageSize: 0 })))).resolves.toBe('BAD_REQUEST');
    const badEvent = { type: 'request.deleted', actor: null } as unknown as AuditEvent;
    await expect(caughtCode(log.append(badEvent))).resolves.toBe('BAD_REQUEST');
    await expect(log.head()).resolves.toBeUndefined();
    expect(logText()).toBe('');
  });

  it('reads the whole log in pages for the verifier', async () => {
    const { log } = harness();
    const events = Array.from({ length: 7 }, (_, i): AuditEvent => ({
      type: 'graph.step',
      actor: null,
      data: { i },
    }));
    const appended = await appendAll(log, events);
    await expect(collect(log.all({ pageSize: 3 }))).resolves.toEqual(appended);
    await expect(collect(log.all({ pageSize: 7 }))).resolves.toEqual(appended);
    await expect(collect(log.all({ afterSeq: 5 }))).resolves.toEqual(appended.slice(5));
    const head = await log.head();
    await expect(verifyChainAsync(log.all({ pageSize: 2 }), SECRET, head)).resolves.toEqual({
      ok: true,
      count: 7,
      head,
    });
  });

  it('keeps one chain when two log objects share the file', async () => {
    const first = harness();
    const second = harness(first.file);
    for (let i = 0; i < 5; i++) {
      await first.log.append({ type: 'notice.sent', actor: null, data: { i, by: 'first' } });
      await second.log.append({ type: 'notice.sent', actor: null, data: { i, by: 'second' } });
    }
    const heads = [...parseLoggedHeads(first.logText()), ...parseLoggedHeads(second.logText())];
    expect(heads).toHaveLength(10);
    await expect(verifyChainAsync(first.log.all(), SECRET, heads)).resolves.toMatchObject({
      ok: true,
      count: 10,
    });
  });
});

describe('SqliteAuditLog: the chain head in the application log', () => {
  it('writes one head line per append, after the record is stored', async () => {
    const { log, logText } = harness();
    const appended = await appendAll(log, sampleEvents().slice(0, 3));
    const lines = logText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line).toMatchObject({
        level: 'info',
        msg: AUDIT_HEAD_LOG_MESSAGE,
        auditHead: { seq: appended[i]?.seq, hash: appended[i]?.hash },
      });
    });
    expect(parseLoggedHeads(logText())).toEqual(appended.map((r) => ({ seq: r.seq, hash: r.hash })));
  });

  it('writes no head when the append fails', async () => {
    const { log, logText, file } = harness(freshFile(), { busyTimeoutMs: 50 });
    await log.append(sampleEvents()[0]);
    // Another process holding the write lock past the busy timeout makes the next append fail.
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    try {
      await expect(caughtCode(log.append(sampleEvents()[1]))).resolves.toBe('STORAGE');
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(parseLoggedHeads(logText()).map((h) => h.seq)).toEqual([1]);
    await expect(log.append(sampleEvents()[1])).resolves.toMatchObject({ seq: 2 });
    expect(parseLoggedHeads(logText()).map((h) => h.seq)).toEqual([1, 2]);
  });
});

describe('SqliteAuditLog: what is stored', () => {
  it('stores a phone number only as its last two digits and never a pass', async () => {
    const { log, db, file } = harness();
    await log.append({
      type: 'graph.step',
      requestId: 'REQ-7K3F9Q',
      actor: approver,
      data: {
        step: 'createTap',
        newPhone: { graph: '+81 9012345678', national: '090-1234-5678' },
        note: 'verified by callback to +81 90-1234-5678',
        temporaryAccessPass: 'Xk7#mQ2$vR9p',
        result: { pass: 'Xk7#mQ2$vR9p', lifetimeMinutes: 60 },
        comment: 'pass: Xk7#mQ2$vR9p',
      },
    });
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 1').get() as Record<string, unknown>;
    const rowText = JSON.stringify(row);
    expect(JSON.parse(row.data as string)).toEqual({
      step: 'createTap',
      newPhone: { graph: '[phone •••78]', national: '[phone •••78]' },
      note: 'verified by callback to [phone •••78]',
      temporaryAccessPass: '[REDACTED]',
      result: { pass: '[REDACTED]', lifetimeMinutes: 60 },
      comment: 'pass: [REDACTED]',
    });
    // The whole file, WAL included, so no copy of the value exists anywhere in storage.
    const bytes = [file, `${file}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    for (const secret of ['9012345678', '1234-5678', 'Xk7#mQ2$vR9p']) {
      expect(rowText).not.toContain(secret);
      expect(bytes).not.toContain(secret);
    }
  });

  it('refuses UPDATE, DELETE and an insert that does not extend the head, in SQLite itself', async () => {
    const { log, db } = harness();
    const [first] = await appendAll(log, sampleEvents().slice(0, 2));
    expect(() => db.prepare(`UPDATE audit_log SET data = '{}' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, at, type, data, prev_hash, hash) VALUES (?, 'x', 'graph.step', '{}', ?, ?)`,
    );
    const head = await log.head();
    expect(() => insert.run(4, head?.hash, 'a'.repeat(64))).toThrow(/extend the chain head/);
    expect(() => insert.run(3, first?.hash, 'a'.repeat(64))).toThrow(/extend the chain head/);
    await expect(log.list()).resolves.toHaveLength(2);
  });
});

describe('SqliteAuditLog: the verifier finds tampering in the file', () => {
  /** Five records and the head the log wrote last. */
  async function logged(): Promise<Harness & { lastHead: ChainHead }> {
    const h = harness();
    await appendAll(h.log, sampleEvents().slice(0, 5));
    const lastHead = h.loggedHead();
    if (lastHead === undefined) throw new Error('no head logged');
    expect(lastHead.seq).toBe(5);
    return { ...h, lastHead };
  }

  it('verifies an untouched log against the logged head', async () => {
    const { log, lastHead } = await logged();
    await expect(verifyChainAsync(log.all(), SECRET, lastHead)).resolves.toEqual({
      ok: true,
      count: 5,
      head: lastHead,
    });
  });

  const cases: ReadonlyArray<[string, string[], number, string]> = [
    [
      'edited data',
      [`UPDATE audit_log SET data = json_set(data, '$.verification', 'in_person') WHERE seq = 4`],
      4,
      'hash_mismatch',
    ],
    [
      'edited actor name',
      [`UPDATE audit_log SET actor_name = 'Someone Else' WHERE seq = 2`],
      2,
      'hash_mismatch',
    ],
    [
      'actor erased',
      [`UPDATE audit_log SET actor_id = NULL, actor_name = NULL WHERE seq = 1`],
      1,
      'hash_mismatch',
    ],
    [
      'edited time',
      [`UPDATE audit_log SET at = '2025-01-07T00:00:00.000Z' WHERE seq = 3`],
      3,
      'hash_mismatch',
    ],
    ['deleted middle record', ['DELETE FROM audit_log WHERE seq = 3'], 3, 'seq_gap'],
    [
      'deleted middle record, later ones renumbered',
      ['DELETE FROM audit_log WHERE seq = 3', 'UPDATE audit_log SET seq = seq - 1 WHERE seq > 3'],
      3,
      'prev_mismatch',
    ],
    ['removed last record', ['DELETE FROM audit_log WHERE seq = 5'], 5, 'truncated'],
    [
      'reordered records (seq numbers of 2 and 3 swapped)',
      [
        'UPDATE audit_log SET seq = 100 WHERE seq = 2',
        'UPDATE audit_log SET seq = 2 WHERE seq = 3',
        'UPDATE audit_log SET seq = 3 WHERE seq = 100',
      ],
      2,
      'prev_mismatch',
    ],
    [
      'two records edited: the first is reported',
      [
        `UPDATE audit_log SET data = '{"edited":true}' WHERE seq = 4`,
        `UPDATE audit_log SET data = '{"edited":true}' WHERE seq = 2`,
      ],
      2,
      'hash_mismatch',
    ],
  ];

  it.each(cases)('%s', async (_name, statements, brokenAt, reason) => {
    const { log, file, lastHead } = await logged();
    tamper(file, ...statements);
    await expect(verifyChainAsync(log.all({ pageSize: 2 }), SECRET, lastHead)).resolves.toEqual({
      ok: false,
      brokenAt,
      reason,
    });
  });

  it('fails at the first record with the wrong key', async () => {
    const { log, lastHead } = await logged();
    await expect(verifyChainAsync(log.all(), OTHER_SECRET, lastHead)).resolves.toEqual({
      ok: false,
      brokenAt: 1,
      reason: 'hash_mismatch',
    });
  });

  it('still sees a removed last record after the bot appended again, through every logged head', async () => {
    const { log, file, logText } = await logged();
    tamper(file, 'DELETE FROM audit_log WHERE seq = 5');
    // The triggers are gone; the bot keeps appending and links to the shortened chain.
    await log.append({ type: 'request.expired', requestId: 'REQ-AB3CD4', actor: null });
    const heads = parseLoggedHeads(logText());
    await expect(verifyChainAsync(log.all(), SECRET, heads.at(-1))).resolves.toMatchObject({ ok: true });
    await expect(verifyChainAsync(log.all(), SECRET, heads)).resolves.toEqual({
      ok: false,
      brokenAt: 5,
      reason: 'head_mismatch',
    });
  });
});

describe('SqliteAuditLog: two processes appending at once', () => {
  const PROJECT_ROOT = resolve(__dirname, '../../..');
  const CHILD = join(__dirname, 'audit-child-writer.ts');

  interface Writer {
    ready: Promise<void>;
    done: Promise<{ seqs: number[] }>;
  }

  function startWriter(args: readonly string[]): Writer {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('"ready":true')) markReady();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const done = new Promise<{ seqs: number[] }>((resolveDone, rejectDone) => {
      child.on('error', rejectDone);
      child.on('exit', (code) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        if (code === 0 && last.includes('"ok":true')) {
          resolveDone(JSON.parse(last) as { seqs: number[] });
        } else {
          rejectDone(new Error(`audit writer exited with ${code}: ${stderr}`));
        }
      });
    });
    // A writer that dies before it is ready must fail the test, not leave it waiting.
    return { ready: Promise.race([ready, done.then(() => undefined)]), done };
  }

  it('keeps one unbroken chain of 2 × 50 records', async () => {
    const file = freshFile();
    openDatabase(file).close();
    const go = folder.path(`go-${counter}`);
    const logs = [folder.path(`writer-a-${counter}.log`), folder.path(`writer-b-${counter}.log`)];
    const writers = [
      startWriter([file, SECRET, '50', go, logs[0], 'writer-a']),
      startWriter([file, SECRET, '50', go, logs[1], 'writer-b']),
    ];
    await Promise.all(writers.map((w) => w.ready));
    writeFileSync(go, '');
    const results = await Promise.all(writers.map((w) => w.done));

    const allSeqs = results.flatMap((r) => r.seqs).sort((a, b) => a - b);
    expect(allSeqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));

    const { log } = harness(file);
    const records = await collect(log.all({ pageSize: 30 }));
    expect(records).toHaveLength(100);
    expect(records.filter((r) => r.actor?.id === 'writer-a')).toHaveLength(50);
    // Interleaving shows the two really raced rather than ran one after the other.
    const switches = records.filter((r, i) => i > 0 && r.actor?.id !== records[i - 1]?.actor?.id).length;
    expect(switches).toBeGreaterThan(1);

    const heads = logs.flatMap((path) => parseLoggedHeads(readFileSync(path, 'utf8')));
    expect(heads).toHaveLength(100);
    const top = heads.reduce((a, b) => (b.seq > a.seq ? b : a));
    await expect(verifyChainAsync(log.all(), SECRET, heads)).resolves.toEqual({
      ok: true,
      count: 100,
      head: top,
    });
  });
});
