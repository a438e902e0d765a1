import { isSensitiveKey, REDACTED, redactDeep, redactText } from '../../src/domain/redaction';

describe('redactText: phone numbers are masked, keeping the last two digits', () => {
  const mustMask: ReadonlyArray<[string, string, string]> = [
    ['Japanese mobile with hyphens', '090-1234-5678', '[phone •••78]'],
    ['inside Japanese text', '新しい番号は090-1234-5678です', '新しい番号は[phone •••78]です'],
    ['full-width digits and hyphens', '０９０－１２３４－５６７８', '[phone •••78]'],
    ['katakana prolonged sound mark as hyphen', '090ー1234ー5678', '[phone •••78]'],
    ['half-width katakana prolonged sound mark', '090ｰ1234ｰ5678', '[phone •••78]'],
    ['hyphen U+2010', '090‐1234‐5678', '[phone •••78]'],
    ['non-breaking hyphen U+2011', '090‑1234‑5678', '[phone •••78]'],
    ['en dash', '090–1234–5678', '[phone •••78]'],
    ['em dash', '090—1234—5678', '[phone •••78]'],
    ['horizontal bar', '090―1234―5678', '[phone •••78]'],
    ['minus sign', '090−1234−5678', '[phone •••78]'],
    ['spaces', '090 1234 5678', '[phone •••78]'],
    ['full-width spaces', '090\u30001234\u30005678', '[phone •••78]'],
    ['dots', '090.1234.5678', '[phone •••78]'],
    ['no separators', '09012345678', '[phone •••78]'],
    ['landline', '03-1234-5678', '[phone •••78]'],
    ['zero-width space inside', '090\u200b1234\u200b5678', '[phone •••78]'],
    ['zero-width joiner, word joiner, BOM', '0\u200d90\u20601234\ufeff5678', '[phone •••78]'],
    ['parentheses', '(090) 1234 5678', '[phone •••78]'],
    ['parentheses inside a sentence', 'call (090) 1234 5678.', 'call [phone •••78].'],
    ['E.164', '+819012345678', '[phone •••78]'],
    ['international with spaces', '+81 90 1234 5678', '[phone •••78]'],
    ['international with hyphens', '+81 90-1234-5678', '[phone •••78]'],
    ['international with trunk zero', '+81 090-1234-5678', '[phone •••78]'],
    ['Graph form', '+81 9012345678', '[phone •••78]'],
    ['full-width plus and digits', '＋８１　９０　１２３４　５６７８', '[phone •••78]'],
    ['US international', '+1 206 555 0100', '[phone •••00]'],
    ['US national', '(206) 555-0100', '[phone •••00]'],
    ['NANP without plus', '12065550100', '[phone •••00]'],
    ['country code without plus', '819012345678', '[phone •••78]'],
    ['Singapore with plus', '+65 9123 4567', '[phone •••67]'],
    ['8-digit national number with a space', '9123 4567', '[phone •••67]'],
    ['8-digit national number without separators', '91234567', '[phone •••67]'],
    ['four separators between groups', '(090) - 1234 - 5678', '[phone •••78]'],
    ['UK mobile', '+44 7400 123456', '[phone •••56]'],
    ['after a colon label', 'Tel:090-1234-5678', 'Tel:[phone •••78]'],
    ['after a TEL. label', 'TEL.03-1234-5678', 'TEL.[phone •••78]'],
    ['glued to a TEL label', 'TEL09012345678', 'TEL[phone •••78]'],
    ['carrier mail address', '09012345678@docomo.ne.jp', '[phone •••78]@docomo.ne.jp'],
    ['with an extension', '090-1234-5678 ext. 12', '[phone •••78] ext. 12'],
    ['with a Japanese extension', '03-1234-5678内線12', '[phone •••78]内線12'],
    ['two numbers, with plus', '+81 90 1234 5678 / +81 80 8765 4321', '[phone •••78] / [phone •••21]'],
    ['two numbers side by side become one mask', '090-1234-5678 080-8765-4321', '[phone •••21]'],
    [
      'old and new on two lines',
      'old 090-1234-5678\nnew 080-8765-4321',
      'old [phone •••78]\nnew [phone •••21]',
    ],
    ['in JSON', '{"newPhone":"+819012345678"}', '{"newPhone":"[phone •••78]"}'],
    ['Chinese mobile without plus', '13812345678', '[phone •••78]'],
    ['mathematical bold digits', '𝟎𝟗𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖', '[phone •••78]'],
  ];

  it.each(mustMask)('%s', (_label, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('leaves at most two digits of each masked number', () => {
    for (const [, input] of mustMask) {
      const digits = redactText(input)
        .normalize('NFKC')
        .replace(/[^0-9]/g, '');
      expect(digits.length).toBeLessThanOrEqual(4);
    }
  });
});

describe('redactText: other numbers are left alone', () => {
  const mustKeep: ReadonlyArray<[string, string]> = [
    ['object id', '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a01'],
    ['all-digit GUID', '12345678-1234-1234-1234-123456789012'],
    ['GUID in braces', '{12345678-1234-1234-1234-123456789012}'],
    ['request id', 'REQ-7K3F9Q'],
    ['ISO timestamp', '2026-11-22T23:41:09.123Z'],
    ['ISO timestamp with offset', '2026-11-22T23:41:09+09:00'],
    ['date and time with a space', '2026-11-22 10:00'],
    ['date', '2026-11-22'],
    ['dotted date', '2026.11.22'],
    ['day-first date', '22.11.2026'],
    ['compact date', '20261122'],
    ['Date.toString()', 'Sun Nov 22 2026 23:41:09 GMT+0900 (Japan Standard Time)'],
    ['HTTP date', 'Sun, 22 Nov 2026 23:41:09 GMT'],
    ['long month name', 'November 22, 2026 09:00'],
    ['8 digits starting with 1', 'count 12345678'],
    ['7-digit number', 'id 5601234'],
    ['hex error code', '0x8019019a'],
    ['upper-case hex error code', 'エラー 0x800704CF'],
    ['long hex', '0x12345678901'],
    ['minutes', '60 分'],
    ['request count', 'REQ 3 of 12'],
    ['port', 'port 3978'],
    ['host and port', 'http://localhost:56150/api/messages'],
    ['loopback address', '127.0.0.1:3978'],
    ['IPv4 address', '192.168.100.200'],
    ['office hours', '09:00-18:00'],
    ['office hours with spaces', '09:00 - 18:00'],
    ['epoch milliseconds / Teams activity id', 'activity 1732318869123'],
    ['epoch seconds', 'exp 1732318869'],
    ['decimal number', '3.14159265358979'],
    ['fractional seconds', '12:34:56.789012345'],
    ['hash starting with digits', 'sha 1234567890abcdef'],
    ['hash ending with digits', 'abcdef1234567890123'],
    ['postal code', '〒100-0001'],
    ['short amounts', '1,234,567円'],
    ['long numeric id', '1234567890123456789'],
    ['timezone offset', '+09:00'],
    ['version', 'v1.13.16'],
    ['HTTP status', 'status 400 after 3 retries'],
    ['already masked', '[phone •••78]'],
    ['a mask that reached the scanner twice', 'old [phone •••78], new [phone •••21]'],
    ['Japanese prose', '電話番号を変えました'],
    ['Teams conversation id', '19:abc123def@thread.tacv2'],
    ['last two digits alone', '•••• •••• ••78'],
  ];

  it.each(mustKeep)('%s', (_label, input) => {
    expect(redactText(input)).toBe(input);
  });

  it('is idempotent', () => {
    const text = '090-1234-5678, REQ-7K3F9Q, 2026-11-22T23:41:09.123Z, Bearer abcdefghijklmnopqrstuvwxyz';
    const once = redactText(text);
    expect(redactText(once)).toBe(once);
  });
});

describe('redactText: tokens and secrets', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQtMDEyMzQ1Njc4OQ';
  const cases: ReadonlyArray<[string, string, string]> = [
    ['Authorization header', `Authorization: Bearer ${jwt}`, 'Authorization: Bearer [REDACTED]'],
    ['lower-case header', 'authorization: bearer abcdef.ghijkl.mnopqr', 'authorization: bearer [REDACTED]'],
    ['Basic auth', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED]'],
    ['header in JSON', `{"authorization":"Bearer ${jwt}"}`, '{"authorization":"[REDACTED]"}'],
    ['bare bearer token', 'sent Bearer abcdefghijklmnopqrstuvwxyz0123', 'sent Bearer [REDACTED]'],
    ['bare JWT', `token=${jwt} ok`, 'token=[REDACTED] ok'],
    ['JWT in prose', `got ${jwt} back`, 'got [REDACTED] back'],
    [
      'query string',
      'https://x/cb?code=1&access_token=abc.def&state=2',
      'https://x/cb?code=1&access_token=[REDACTED]&state=2',
    ],
    [
      'form body',
      'grant_type=client_credentials&client_secret=s3cr3t~value',
      'grant_type=client_credentials&client_secret=[REDACTED]',
    ],
    ['connection string', 'AccountName=dev;AccountKey=abc+def==;', 'AccountName=dev;AccountKey=[REDACTED];'],
    ['JSON password', '{"password":"hunter2","passed":"yes"}', '{"password":"[REDACTED]","passed":"yes"}'],
    ['JSON TAP', '{"temporaryAccessPass":"Xy7#kP9!"}', '{"temporaryAccessPass":"[REDACTED]"}'],
    ['key: value in a message', 'clientSecret: abc123', 'clientSecret: [REDACTED]'],
    ['cookie header', 'Cookie: a=1; session=xyz', 'Cookie: [REDACTED]'],
    [
      'password in a URL',
      'proxy https://svc:p4ss:w0rd@proxy.example:8080/',
      'proxy https://svc:[REDACTED]@proxy.example:8080/',
    ],
    ['TAP in a message', 'TAP: Xy7#kP9!', 'TAP: [REDACTED]'],
  ];

  it.each(cases)('%s', (_label, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('leaves the ordinary word "bearer" and ordinary keys alone', () => {
    expect(redactText('the bearer of bad news')).toBe('the bearer of bad news');
    expect(redactText('tests passed: 3, bypassCount=2')).toBe('tests passed: 3, bypassCount=2');
  });

  it('removes every exact occurrence of a known secret, longest first', () => {
    const options = { knownSecrets: ['Xy7#kP9!mQ', 'Xy7#kP9!mQ-longer', '', 'ab'] };
    expect(redactText('pass Xy7#kP9!mQ-longer and Xy7#kP9!mQ, ab stays', options)).toBe(
      'pass [REDACTED] and [REDACTED], ab stays',
    );
  });

  it('removes a known secret even when it looks like a phone number', () => {
    expect(redactText('TAP 12345678901', { knownSecrets: ['12345678901'] })).toBe('TAP [REDACTED]');
  });

  it('applies extra patterns, with or without the global flag', () => {
    const options = { extraPatterns: [/EMP-\d{5}/, /secret-[a-z]+/gi] };
    expect(redactText('EMP-12345 and EMP-54321, Secret-abc', options)).toBe(
      '[REDACTED] and [REDACTED], [REDACTED]',
    );
    // The caller's regex objects are not left in a changed state.
    expect(options.extraPatterns[1]?.lastIndex).toBe(0);
  });
});

describe('isSensitiveKey', () => {
  const sensitive = [
    'password',
    'Password',
    'secret',
    'clientSecret',
    'client_secret',
    'AZURE_CLIENT_SECRET',
    'MicrosoftAppPassword',
    'token',
    'accessToken',
    'access_token',
    'refresh_token',
    'id_token',
    'authorization',
    'Authorization',
    'cookie',
    'set-cookie',
    'temporaryAccessPass',
    'pass',
    'PASS',
    'apiKey',
    'x-api-key',
    'HELPDESK_AUDIT_KEY',
    'connectionString',
  ];
  const ordinary = [
    'passed',
    'passive',
    'compass',
    'bypassCount',
    'passwordLastChanged',
    'tokenType',
    'tokens',
    'expiresOn',
    'secretName',
    'key',
    'partitionKey',
    'phone',
    'requestId',
    'passport',
  ];

  it.each(sensitive)('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(ordinary)('%s is ordinary', (key) => expect(isSensitiveKey(key)).toBe(false));
});

describe('redactDeep', () => {
  it('returns a redacted deep copy and leaves the input untouched', () => {
    const input = {
      requestId: 'REQ-7K3F9Q',
      phone: '090-1234-5678',
      password: 'hunter2',
      passed: true,
      compass: 'north',
      bypassCount: 2,
      nested: {
        accessToken: 'abc',
        list: ['+81 90 1234 5678', { clientSecret: { value: 'deep' }, note: 'ok' }],
        empty: null,
      },
      headers: { Authorization: 'Bearer abc', cookie: 'a=b' },
      tap: undefined,
    };
    const snapshot = JSON.parse(JSON.stringify(input));
    const out = redactDeep(input);
    expect(out).toEqual({
      requestId: 'REQ-7K3F9Q',
      phone: '[phone •••78]',
      password: REDACTED,
      passed: true,
      compass: 'north',
      bypassCount: 2,
      nested: {
        accessToken: REDACTED,
        list: ['[phone •••78]', { clientSecret: REDACTED, note: 'ok' }],
        empty: null,
      },
      headers: { Authorization: REDACTED, cookie: REDACTED },
      tap: undefined,
    });
    expect(input).toEqual(snapshot);
    expect(out).not.toBe(input);
    expect(out.nested).not.toBe(input.nested);
    expect(out.nested.list).not.toBe(input.nested.list);
  });

  it('passes options through to every string', () => {
    const out = redactDeep({ message: 'your pass is Xy7#kP9!mQ' }, { knownSecrets: ['Xy7#kP9!mQ'] });
    expect(out.message).toBe('your pass is [REDACTED]');
  });

  it('copies dates and summarises binary data', () => {
    const date = new Date('2026-11-22T23:41:09.123Z');
    const out = redactDeep({ at: date, body: Buffer.from('secret bytes'), raw: new Uint8Array(4) });
    expect(out.at).toEqual(date);
    expect(out.at).not.toBe(date);
    expect(out.body).toBe('[Binary 12 bytes]');
    expect(out.raw).toBe('[Binary 4 bytes]');
  });

  it('handles primitives and top-level strings', () => {
    expect(redactDeep('090-1234-5678')).toBe('[phone •••78]');
    expect(redactDeep(42)).toBe(42);
    expect(redactDeep(null)).toBeNull();
    expect(redactDeep(undefined)).toBeUndefined();
    expect(redactDeep(10n)).toBe(10n);
  });

  it('replaces cycles and stops at a depth limit', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    a['list'] = [a];
    const out = redactDeep(a);
    expect(out['self']).toBe('[Circular]');
    expect(out['list']).toEqual(['[Circular]']);

    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100; i += 1) deep = { child: deep };
    expect(JSON.stringify(redactDeep(deep))).toContain('[Truncated]');
  });

  it('copies a shared (non-cyclic) object wherever it appears', () => {
    const shared = { phone: '09012345678' };
    const out = redactDeep({ a: shared, b: shared });
    expect(out.a).toEqual({ phone: '[phone •••78]' });
    expect(out.b).toEqual({ phone: '[phone •••78]' });
  });

  it('keeps error types and redacts their text and properties', () => {
    class GraphError extends Error {
      constructor(
        message: string,
        readonly statusCode: number,
        readonly body: unknown,
      ) {
        super(message);
        this.name = 'GraphError';
      }
    }
    const error = new GraphError('phone 090-1234-5678 refused', 400, { access_token: 'abc' });
    const out = redactDeep({ err: error }).err;
    expect(out).toBeInstanceOf(GraphError);
    expect(out.message).toBe('phone [phone •••78] refused');
    expect(out.stack).not.toContain('090-1234-5678');
    expect(out.statusCode).toBe(400);
    expect(out.body).toEqual({ access_token: REDACTED });
    expect(error.message).toBe('phone 090-1234-5678 refused');
  });

  it('copies maps and sets', () => {
    const out = redactDeep({
      m: new Map<string, string>([
        ['password', 'x'],
        ['phone', '090-1234-5678'],
      ]),
      s: new Set(['090-1234-5678']),
    });
    expect(out.m.get('password')).toBe(REDACTED);
    expect(out.m.get('phone')).toBe('[phone •••78]');
    expect([...out.s]).toEqual(['[phone •••78]']);
  });

  it('does not let a __proto__ key change the copy’s prototype, and survives throwing getters', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    Object.defineProperty(input, 'bad', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const out = redactDeep<Record<string, unknown>>(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(out['bad']).toBe('[Unreadable]');
    expect(out['ok']).toBe(1);
  });

  it('masks phone numbers used as keys', () => {
    expect(Object.keys(redactDeep({ '090-1234-5678': 'x' }))).toEqual(['[phone •••78]']);
  });
});

describe('redaction stays fast on large and hostile input', () => {
  const inputs: ReadonlyArray<[string, string]> = [
    ['100 000 letters', 'a'.repeat(100_000)],
    ['100 000 digits', '9'.repeat(100_000)],
    ['digits and single spaces', '1 '.repeat(50_000)],
    ['phone numbers back to back', '090-1234-5678, '.repeat(7_000)],
    ['unterminated JSON secrets', '"password":"'.repeat(8_000)],
    ['JWT-like fragments', 'eyJaaaa.'.repeat(12_500)],
    ['key=value pairs', 'token=a&'.repeat(12_500)],
    ['pluses', '+'.repeat(100_000)],
    ['hyphens and zero-width spaces', '-\u200b'.repeat(50_000)],
    ['Japanese text', '電話番号を変えました。'.repeat(10_000)],
    ['dates', '2026-11-22 '.repeat(9_000)],
  ];

  it.each(inputs)('%s', (label, input) => {
    const started = performance.now();
    const out = redactText(input);
    const elapsed = performance.now() - started;
    console.log(`redactText(${label}, ${input.length} chars): ${elapsed.toFixed(1)} ms`);
    expect(typeof out).toBe('string');
    // Loose bound: catastrophic backtracking takes minutes, not seconds.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('redactDeep on a large object', () => {
    const big = {
      items: Array.from({ length: 5_000 }, (_, i) => ({ i, phone: '090-1234-5678', token: 't' })),
    };
    const started = performance.now();
    const out = redactDeep(big);
    console.log(`redactDeep(5 000 items): ${(performance.now() - started).toFixed(1)} ms`);
    expect(out.items[4_999]).toEqual({ i: 4_999, phone: '[phone •••78]', token: REDACTED });
  });
});
