/**
 * Keeps the emulator honest: every Graph call the adapter makes is replayed from the example in
 * Microsoft's Graph v1.0 reference (test/graph/fixtures/*.json, each naming its page and commit)
 * against the emulator seeded with the example's data, and the emulator's answer must match the
 * documented one. Values the service generates (ids, dates, the pass) are compared by type only,
 * and each fixture lists every way it departs from the page and why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphEmulator, RouteName } from '../../tools/graph-emulator';
import { rawCall, rawToken, startEmulator } from './graph-test-kit';

interface ReferenceFixture {
  source: string;
  reference: string;
  adaptations: string[];
  request: { method: string; url: string; body?: unknown };
  response: { status: number; body?: unknown };
  volatile: string[];
}

const FIXTURES = path.join(__dirname, 'fixtures');
const fixtures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json') && file !== 'docs-directory.json')
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as ReferenceFixture),
  }));

/** The routes the adapter uses; each must be exercised by at least one reference example. */
const ADAPTER_ROUTES: RouteName[] = [
  'getUser',
  'getManager',
  'checkMemberGroups',
  'listTransitiveMemberOf',
  'listRoleAssignments',
  'listRoleEligibilityScheduleInstances',
  'listPimGroupEligibilityScheduleInstances',
  'listPimGroupAssignmentScheduleInstances',
  'listMethods',
  'listMethodCollection',
  'createPhoneMethod',
  'updatePhoneMethod',
  'deleteMethod',
  'createTemporaryAccessPass',
  'revokeSignInSessions',
  'sendMail',
];

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Every property the example shows must be in the answer with the same value. The reference marks
 * its examples as possibly shortened, so the answer may carry more properties, and collections may
 * hold more items; items with an id are matched by id.
 */
function conformanceProblems(actual: unknown, expected: unknown, volatile: Set<string>, at = '$'): string[] {
  if (typeOf(expected) === 'array') {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${typeOf(actual)}`];
    const items = expected as unknown[];
    if (!items.every((item) => typeOf(item) === 'object')) {
      return JSON.stringify(actual) === JSON.stringify(items)
        ? []
        : [`${at}: expected ${JSON.stringify(items)}, got ${JSON.stringify(actual)}`];
    }
    return items.flatMap((item, index) => {
      const rawId = (item as { id?: unknown }).id;
      if (rawId === undefined) {
        // The example left the id out; some item must match everything it does show.
        const fits = actual.some((candidate) => conformanceProblems(candidate, item, volatile).length === 0);
        return fits ? [] : [`${at}[${index}]: no item matches ${JSON.stringify(item)}`];
      }
      const id = typeof rawId === 'string' ? rawId : JSON.stringify(rawId);
      const match = actual.find((candidate) => (candidate as { id?: unknown } | null)?.id === rawId);
      return match === undefined
        ? [`${at}[${index}]: no item with id ${id}`]
        : conformanceProblems(match, item, volatile, `${at}[id=${id}]`);
    });
  }
  if (typeOf(expected) === 'object') {
    if (typeOf(actual) !== 'object') return [`${at}: expected an object, got ${typeOf(actual)}`];
    const record = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => {
      const where = `${at}.${key}`;
      if (!(key in record)) return [`${where}: missing`];
      if (key === '@odata.context') {
        // Same metadata fragment; the host differs by design.
        const fragment = (context: unknown) => String(context).split('$metadata#')[1];
        return fragment(record[key]) === fragment(value) ? [] : [`${where}: ${String(record[key])}`];
      }
      if (volatile.has(key)) {
        return typeOf(record[key]) === typeOf(value)
          ? []
          : [`${where}: expected a ${typeOf(value)}, got ${typeOf(record[key])}`];
      }
      return conformanceProblems(record[key], value, volatile, where);
    });
  }
  return actual === expected
    ? []
    : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

describe('Graph emulator against the Graph v1.0 reference examples', () => {
  let emulator: GraphEmulator;
  let token: string;
  const routesCovered = new Set<RouteName>();

  beforeAll(async () => {
    emulator = await startEmulator(path.join(FIXTURES, 'docs-directory.json'));
    token = await rawToken(emulator);
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(() => {
    emulator.reset();
  });

  it('has a fixture for every documented example it claims to follow', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const fixture of fixtures) {
      expect(fixture.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(fixture.reference.length).toBeGreaterThan(10);
    }
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s answers as documented', async (_name, fixture) => {
    const url = new URL(fixture.request.url);
    const response = await rawCall(
      emulator,
      token,
      fixture.request.method,
      url.pathname + url.search,
      fixture.request.body,
    );
    const recorded = emulator.requests.at(-1);
    if (recorded !== undefined) routesCovered.add(recorded.route);

    expect(response.status).toBe(fixture.response.status);
    if (fixture.response.body === undefined) {
      expect(response.body).toBeUndefined();
    } else {
      expect(conformanceProblems(response.body, fixture.response.body, new Set(fixture.volatile))).toEqual(
        [],
      );
    }
    // Graph answers every call with its request id in a header (the audit trail keeps it).
    expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('covered every route the adapter uses with a reference example', () => {
    expect(ADAPTER_ROUTES.filter((route) => !routesCovered.has(route))).toEqual([]);
  });

  it('the comparison itself fails on a drifted answer', () => {
    const documented = { value: [{ id: 'a', phoneType: 'mobile' }], '@odata.context': 'x/$metadata#y' };
    expect(
      conformanceProblems(
        { value: [{ id: 'a', phoneType: 'office' }], '@odata.context': 'z/$metadata#y' },
        documented,
        new Set(),
      ),
    ).toEqual(['$.value[id=a].phoneType: expected "mobile", got "office"']);
    expect(conformanceProblems({ value: [] }, documented, new Set())).toEqual([
      '$.value[0]: no item with id a',
      '$.@odata.context: missing',
    ]);
    expect(conformanceProblems({ id: 1 }, { id: 'x' }, new Set(['id']))).toEqual([
      '$.id: expected a string, got number',
    ]);
    expect(conformanceProblems([{ name: 'b' }], [{ name: 'a' }], new Set())).toEqual([
      '$[0]: no item matches {"name":"a"}',
    ]);
  });
});
