import { createHmac, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AUDIT_EVENT_TYPES,
  AuditKey,
  canonicalJson,
  GENESIS_HASH,
  MAX_AUDIT_DATA_CHARS,
  parseLoggedHeads,
  prepareAuditEvent,
  sealAuditRecord,
  verifyChain,
  verifyChainAsync,
  type AuditEvent,
  type AuditRecord,
  type ChainHead,
  type ChainVerification,
} from '../../src/domain/audit';
import { AppError } from '../../src/errors';

const SECRET = 'test-audit-secret-0123456789-abcdefghij';
const OTHER_SECRET = 'another-audit-secret-9876543210-zyxwvuts';
const key = AuditKey.fromSecret(SECRET);

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    const value = { b: 1, a: { z: [3, { y: true, x: null }], m: 'text' }, c: [] };
    expect(canonicalJson(value)).toBe('{"a":{"m":"text","z":[3,{"x":null,"y":true}]},"b":1,"c":[]}');
  });

  it('is the same whatever order the keys were added in', () => {
    const first: Record<string, unknown> = {};
    first.requestId = 'REQ-7K3F9Q';
    first.actor = { name: 'Sato', id: 'a-1' };
    first.data = { step: 'deleteMethod', graph: { status: 204, requestId: 'g-1' } };
    const second: Record<string, unknown> = {};
    second.data = { graph: { requestId: 'g-1', status: 204 }, step: 'deleteMethod' };
    second.actor = { id: 'a-1', name: 'Sato' };
    second.requestId = 'REQ-7K3F9Q';
    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });

  it('orders keys by code unit, so integer-like keys do not jump ahead as they do in Object.keys', () => {
    expect(canonicalJson({ b: 1, 10: 'ten', 2: 'two', A: 0 })).toBe('{"10":"ten","2":"two","A":0,"b":1}');
  });

  it('leaves undefined members out, writes undefined array items as null and honours toJSON', () => {
    const at = new Date('2025-01-06T00:00:00.000Z');
    expect(canonicalJson({ a: undefined, b: [undefined, 1], at })).toBe(
      '{"at":"2025-01-06T00:00:00.000Z","b":[null,1]}',
    );
  });

  it('escapes lone surrogates and keeps other characters as they are', () => {
    expect(canonicalJson({ name: '田中\ud800', quote: '"\\' })).toBe(
      '{"name":"田中\\ud800","quote":"\\"\\\\"}',
    );
  });

  it('gives the same text after a JSON round trip, which is what storage does', () => {
    const value = { z: { b: [1, 2.5, -0, 'x'], a: null }, y: new Date(0), __proto__x: 1 };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });

  const refused: ReadonlyArray<[string, unknown]> = [
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['bigint', { n: BigInt(1) }],
    ['a function', { f: () => 1 }],
    ['a symbol', { s: Symbol('x') }],
    ['a Map', { m: new Map([['a', 1]]) }],
    ['a Set', { s: new Set([1]) }],
    ['a class instance', { c: new (class Thing {})() }],
    ['undefined at the top', undefined],
  ];
  it.each(refused)('refuses %s rather than hashing something else', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('refuses a cycle but accepts the same object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(AppError);
  });
});

describe('AuditKey', () => {
  it('derives the HMAC key with HKDF-SHA256 under a fixed label, and hashes the canonical record', () => {
    const record = sealAuditRecord(
      prepareAuditEvent({
        type: 'request.created',
        requestId: 'REQ-7K3F9Q',
        actor: { id: 'u1', name: 'Tanaka' },
        data: { b: 1, a: 'x' },
      }),
      undefined,
      new Date('2025-01-06T00:00:00.000Z'),
      key,
    );
    // Written out by hand: changing the scheme would make every stored chain unverifiable.
    const content =
      '{"actor":{"id":"u1","name":"Tanaka"},"at":"2025-01-06T00:00:00.000Z","data":{"a":"x","b":1},' +
      `"prevHash":"${'0'.repeat(64)}","requestId":"REQ-7K3F9Q","seq":1,"type":"request.created"}`;
    const derived = Buffer.from(
      hkdfSync('sha256', SECRET, Buffer.alloc(0), 'mfa-helpdesk-bot/audit-chain/hmac-sha256/v1', 32),
    );
    expect(record.hash).toBe(createHmac('sha256', derived).update(content).digest('hex'));
    expect(record.hash).not.toBe(createHmac('sha256', SECRET).update(content).digest('hex'));
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => AuditKey.fromSecret('x'.repeat(31))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => AuditKey.fromSecret('x'.repeat(32))).not.toThrow();
  });

  it('shows nothing of the key when logged or inspected', () => {
    const text = `${JSON.stringify({ key })} ${inspect(key)} ${Object.keys(key).join()}`;
    expect(text).toBe('{"key":"[AuditKey]"} [AuditKey] ');
  });
});

describe('prepareAuditEvent', () => {
  const actor = { id: 'admin-1', name: 'Sato Admin' };

  it('masks phone numbers to their last two digits and hides pass-like values, in the hashed data', () => {
    const prepared = prepareAuditEvent({
      type: 'graph.step',
      requestId: 'REQ-7K3F9Q',
      actor: null,
      data: {
        step: 'createTap',
        newPhone: '+81 90-1234-5678',
        note: 'called back on 090-1234-5678, pass: Xk7#mQ2$vR9p',
        temporaryAccessPass: 'Xk7#mQ2$vR9p',
        nested: { pass: 'Xk7#mQ2$vR9p', tap: 'Xk7#mQ2$vR9p' },
      },
    });
    expect(prepared.dataJson).not.toMatch(/1234|Xk7/);
    expect(prepared.data).toEqual({
      step: 'createTap',
      newPhone: '[phone •••78]',
      note: 'called back on [phone •••78], pass: [REDACTED]',
      temporaryAccessPass: '[REDACTED]',
      nested: { pass: '[REDACTED]', tap: '[REDACTED]' },
    });
  });

  it('keeps only id and name of the actor, redacted, and the data as it will read back', () => {
    const richActor = { id: 'admin-1', name: 'Sato 090-1234-5678', upn: 'sato@example.com' };
    const prepared = prepareAuditEvent({
      type: 'request.approved',
      actor: richActor,
      data: {
        decidedAt: new Date('2025-01-06T01:02:03.000Z'),
        skipped: undefined,
        error: new AppError('THROTTLED', 'slow down', { requestId: 'graph-req-1' }),
      },
    });
    expect(prepared.actor).toEqual({ id: 'admin-1', name: 'Sato [phone •••78]' });
    expect(prepared.data).toEqual({
      decidedAt: '2025-01-06T01:02:03.000Z',
      error: { name: 'AppError', message: 'slow down', code: 'THROTTLED', requestId: 'graph-req-1' },
    });
    expect('requestId' in prepared).toBe(false);
  });

  it('keeps a __proto__ key as data', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const prepared = prepareAuditEvent({ type: 'request.refused', actor, data });
    expect(prepared.dataJson).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts every event type of the design', () => {
    expect(AUDIT_EVENT_TYPES).toHaveLength(21);
    for (const type of AUDIT_EVENT_TYPES) {
      expect(prepareAuditEvent({ type, actor: null }).type).toBe(type);
    }
  });

  const invalid: ReadonlyArray<[string, unknown]> = [
    ['an unknown type', { type: 'request.deleted', actor }],
    ['a request id that is not one', { type: 'request.refused', requestId: 'REQ-1', actor }],
    ['a missing actor', { type: 'request.viewed' }],
    ['an actor without an id', { type: 'request.viewed', actor: { id: ' ', name: 'x' } }],
    ['an actor without a name', { type: 'request.viewed', actor: { id: 'x' } }],
    ['array data', { type: 'request.viewed', actor, data: [1] }],
    ['data that JSON cannot hold', { type: 'request.viewed', actor, data: { n: Number.NaN } }],
    ['oversized data', { type: 'request.refused', actor, data: { blob: 'x'.repeat(MAX_AUDIT_DATA_CHARS) } }],
  ];
  it.each(invalid)('refuses %s', (_name, event) => {
    expect(() => prepareAuditEvent(event as AuditEvent)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------

const START = Date.parse('2025-01-06T00:00:00.000Z');

function event(i: number, rewritten = false): AuditEvent {
  return {
    type: i === 1 ? 'request.created' : 'graph.step',
    requestId: 'REQ-7K3F9Q',
    actor: i % 2 === 0 ? null : { id: `user-${i}`, name: `Person ${i}` },
    data: rewritten
      ? { step: i, graphRequestId: `g-${i}`, rewritten }
      : { step: i, graphRequestId: `g-${i}` },
  };
}

/** Seals records up to `length`, continuing after `from`; `rewritten` changes the content of new ones. */
function buildChain(
  length: number,
  options: { signer?: AuditKey; from?: readonly AuditRecord[]; rewritten?: boolean } = {},
): AuditRecord[] {
  const records = [...(options.from ?? [])];
  for (let i = records.length + 1; i <= length; i++) {
    const last = records[records.length - 1];
    const previous = last === undefined ? undefined : headOf(last);
    const prepared = prepareAuditEvent(event(i, options.rewritten));
    records.push(sealAuditRecord(prepared, previous, new Date(START + i * 1000), options.signer ?? key));
  }
  return records;
}

function headOf(record: AuditRecord | undefined): ChainHead {
  if (record === undefined) throw new Error('no record');
  return { seq: record.seq, hash: record.hash };
}

/** Copies, so each case tampers with its own chain. */
function at(records: readonly AuditRecord[], seq: number): AuditRecord {
  const record = records.find((r) => r.seq === seq);
  if (record === undefined) throw new Error(`no record ${seq}`);
  return structuredClone(record);
}

describe('sealAuditRecord', () => {
  it('starts at seq 1 on the genesis hash and links each record to the one before', () => {
    const chain = buildChain(3);
    expect(chain.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect(chain[2]?.prevHash).toBe(chain[1]?.hash);
    expect(new Set(chain.map((r) => r.hash)).size).toBe(3);
    expect(chain[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an invalid clock reading', () => {
    expect(() => sealAuditRecord(prepareAuditEvent(event(1)), undefined, new Date(Number.NaN), key)).toThrow(
      AppError,
    );
  });
});

describe('verifyChain', () => {
  const chain = buildChain(6);
  const lastHead = headOf(chain[5]);
  const allHeads = chain.map(headOf);

  it('accepts a clean chain, alone, against its last logged head and against every logged head', () => {
    const clean: ChainVerification = { ok: true, count: 6, head: lastHead };
    expect(verifyChain(chain, key)).toEqual(clean);
    expect(verifyChain(chain, key, lastHead)).toEqual(clean);
    expect(verifyChain(chain, key, allHeads)).toEqual(clean);
    expect(verifyChain(chain, SECRET, lastHead)).toEqual(clean);
  });

  it('accepts records appended after the last head that reached the log', () => {
    expect(verifyChain(chain, key, headOf(chain[3]))).toEqual({ ok: true, count: 6, head: lastHead });
  });

  it('accepts an empty log unless a head was logged', () => {
    expect(verifyChain([], key)).toEqual({ ok: true, count: 0, head: undefined });
    expect(verifyChain([], key, lastHead)).toEqual({ ok: false, brokenAt: 1, reason: 'truncated' });
  });

  type Tamper = (records: readonly AuditRecord[]) => AuditRecord[];
  const replace = (seq: number, change: (r: AuditRecord) => void): Tamper => {
    return (records) =>
      records.map((r) => {
        if (r.seq !== seq) return r;
        const copy = at(records, seq);
        change(copy);
        return copy;
      });
  };

  const cases: ReadonlyArray<[string, Tamper, ChainHead | ChainHead[] | undefined, number, string]> = [
    ['edited data', replace(3, (r) => (r.data.step = 99)), undefined, 3, 'hash_mismatch'],
    [
      'edited actor name',
      replace(5, (r) => (r.actor = { id: 'user-5', name: 'Someone Else' })),
      undefined,
      5,
      'hash_mismatch',
    ],
    ['actor removed (made the bot)', replace(3, (r) => (r.actor = null)), undefined, 3, 'hash_mismatch'],
    ['edited time', replace(2, (r) => (r.at = '2024-12-31T00:00:00.000Z')), undefined, 2, 'hash_mismatch'],
    ['edited type', replace(4, (r) => (r.type = 'request.denied')), undefined, 4, 'hash_mismatch'],
    [
      'request id moved to another request',
      replace(4, (r) => (r.requestId = 'REQ-AAAAAA')),
      undefined,
      4,
      'hash_mismatch',
    ],
    ['request id removed', replace(4, (r) => delete r.requestId), undefined, 4, 'hash_mismatch'],
    ['edited hash', replace(6, (r) => (r.hash = 'f'.repeat(64))), undefined, 6, 'hash_mismatch'],
    ['edited prevHash', replace(4, (r) => (r.prevHash = 'e'.repeat(64))), undefined, 4, 'prev_mismatch'],
    ['deleted middle record', (r) => r.filter((x) => x.seq !== 3), undefined, 3, 'seq_gap'],
    [
      'deleted middle record, later ones renumbered',
      (r) => r.filter((x) => x.seq !== 3).map((x) => (x.seq > 3 ? { ...x, seq: x.seq - 1 } : x)),
      undefined,
      3,
      'prev_mismatch',
    ],
    ['deleted first record', (r) => r.slice(1), undefined, 1, 'seq_gap'],
    ['removed last record, against the last logged head', (r) => r.slice(0, 5), lastHead, 6, 'truncated'],
    [
      'removed last two records, against the last logged head',
      (r) => r.slice(0, 4),
      lastHead,
      5,
      'truncated',
    ],
    [
      'reordered records',
      (r) => [r[0], r[1], r[3], r[2], r[4], r[5]] as AuditRecord[],
      undefined,
      3,
      'seq_order',
    ],
    [
      'record moved to the end',
      (r) => [r[0], r[2], r[3], r[4], r[5], r[1]] as AuditRecord[],
      undefined,
      2,
      'seq_order',
    ],
    [
      'duplicated record',
      (r) => [r[0], r[1], r[2], r[2], r[3], r[4], r[5]] as AuditRecord[],
      undefined,
      4,
      'seq_order',
    ],
    [
      'contents of two records swapped, seq numbers kept',
      (r) =>
        r.map((x) => (x.seq === 3 ? { ...at(r, 4), seq: 3 } : x.seq === 4 ? { ...at(r, 3), seq: 4 } : x)),
      undefined,
      3,
      'prev_mismatch',
    ],
    [
      'two records tampered: the first is reported',
      (r) => replace(5, (x) => (x.data = {}))(replace(2, (x) => (x.data = {}))(r)),
      undefined,
      2,
      'hash_mismatch',
    ],
  ];

  it.each(cases)('detects %s', (_name, tamper, expected, brokenAt, reason) => {
    expect(verifyChain(tamper(chain), key, expected)).toEqual({ ok: false, brokenAt, reason });
  });

  it('cannot see a removed last record without a logged head, which is why heads are logged', () => {
    expect(verifyChain(chain.slice(0, 5), key)).toEqual({ ok: true, count: 5, head: headOf(chain[4]) });
  });

  it('fails on the first record with the wrong key', () => {
    expect(verifyChain(chain, AuditKey.fromSecret(OTHER_SECRET))).toEqual({
      ok: false,
      brokenAt: 1,
      reason: 'hash_mismatch',
    });
  });

  it('detects an edit re-sealed with a guessed key', () => {
    const forged = buildChain(6, { signer: AuditKey.fromSecret(OTHER_SECRET), from: chain.slice(0, 2) });
    expect(verifyChain(forged, key)).toEqual({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('catches a chain rebuilt with the real key only through the logged heads', () => {
    // Someone holding the key rewrites record 3, re-seals what follows and drops the last record.
    const rebuilt = buildChain(5, { from: chain.slice(0, 2), rewritten: true });
    expect(verifyChain(rebuilt, key)).toEqual({ ok: true, count: 5, head: headOf(rebuilt[4]) });
    expect(verifyChain(rebuilt, key, lastHead)).toEqual({ ok: false, brokenAt: 6, reason: 'truncated' });
    expect(verifyChain(rebuilt, key, allHeads)).toEqual({ ok: false, brokenAt: 3, reason: 'head_mismatch' });
    // A later append papers over the shortened end; the head logged for seq 6 still notices.
    const extended = buildChain(6, { from: rebuilt, rewritten: true });
    expect(verifyChain(extended, key, lastHead)).toEqual({ ok: false, brokenAt: 6, reason: 'head_mismatch' });
  });

  it('reports a log that holds two different heads for one seq, at that seq unless a break comes first', () => {
    const forked = [...allHeads, { seq: 4, hash: 'a'.repeat(64) }];
    expect(verifyChain(chain, key, forked)).toEqual({ ok: false, brokenAt: 4, reason: 'head_mismatch' });
    const editedAt2 = chain.map((r) => (r.seq === 2 ? { ...r, data: {} } : r));
    expect(verifyChain(editedAt2, key, forked)).toEqual({ ok: false, brokenAt: 2, reason: 'hash_mismatch' });
  });

  it('refuses a head that is not one', () => {
    expect(() => verifyChain(chain, key, { seq: 0, hash: lastHead.hash })).toThrow(AppError);
    expect(() => verifyChain(chain, key, { seq: 6, hash: 'not-hex' })).toThrow(AppError);
  });

  it('treats a record whose content cannot be serialised as a hash mismatch', () => {
    const broken = replace(2, (r) => (r.data = { n: Number.NaN }))(chain);
    expect(verifyChain(broken, key)).toEqual({ ok: false, brokenAt: 2, reason: 'hash_mismatch' });
  });
});

describe('verifyChainAsync', () => {
  const chain = buildChain(5);

  async function* stream(records: readonly AuditRecord[]): AsyncGenerator<AuditRecord> {
    for (const record of records) {
      await Promise.resolve();
      yield record;
    }
  }

  it('verifies a streamed chain and stops at the first broken link', async () => {
    await expect(verifyChainAsync(stream(chain), key, headOf(chain[4]))).resolves.toEqual({
      ok: true,
      count: 5,
      head: headOf(chain[4]),
    });
    const edited = chain.map((r) => (r.seq === 2 ? { ...r, data: { step: 0 } } : r));
    await expect(verifyChainAsync(stream(edited), key)).resolves.toEqual({
      ok: false,
      brokenAt: 2,
      reason: 'hash_mismatch',
    });
    await expect(verifyChainAsync(chain.slice(0, 4), key, headOf(chain[4]))).resolves.toEqual({
      ok: false,
      brokenAt: 5,
      reason: 'truncated',
    });
  });
});

describe('parseLoggedHeads', () => {
  it('finds the heads in a mixed log, in order', () => {
    const text = [
      '{"level":"info","msg":"started"}',
      `{"level":"info","auditHead":{"seq":1,"hash":"${'a'.repeat(64)}"},"msg":"audit chain head"}`,
      'not json "auditHead"',
      '{"level":"info","auditHead":{"seq":"2"},"msg":"audit chain head"}',
      `{"level":"info","auditHead":{"seq":2,"hash":"${'b'.repeat(64)}"},"msg":"audit chain head"}`,
      '',
    ].join('\n');
    expect(parseLoggedHeads(text)).toEqual([
      { seq: 1, hash: 'a'.repeat(64) },
      { seq: 2, hash: 'b'.repeat(64) },
    ]);
  });
});
