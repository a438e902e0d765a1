/**
 * One changed-phone reset from the approval click to DONE over the real bot, the real executor,
 * SQLite and the Graph emulator (issue 11): the target is looked up once. The click's live reading
 * serves every card redraw, the notices and (inside the decision window) the executor's privilege
 * check; the steps' own reads (what is left to delete, the end state) feed the settled card.
 */
import type { GraphEmulator, RecordedRequest, RouteName } from '../../tools/graph-emulator';
import { CHANGING_ROUTES, TestClock } from './executor-test-kit';
import { ApprovalHarness, KEN, approveInputs, releaseCodeOn, until } from '../support/approval-harness';
import { visibleText } from '../support/running-bot';
import { HANAKO } from '../support/teams-activity';
import { DEMO } from '../support/test-config';

jest.setTimeout(120_000);

/** The GET routes that look the target up, by what they look up. */
const LOOKUPS: Record<'user' | 'manager' | 'methods' | 'privilege', readonly RouteName[]> = {
  user: ['getUser'],
  manager: ['getManager'],
  methods: ['listMethods'],
  privilege: [
    'listRoleAssignments',
    'listRoleEligibilityScheduleInstances',
    'listTransitiveMemberOf',
    'listPimGroupEligibilityScheduleInstances',
    'listPimGroupAssignmentScheduleInstances',
    // Tenant-wide, but read once per privilege reading.
    'listGroups',
  ],
};
const LOOKUP_ROUTES: readonly RouteName[] = Object.values(LOOKUPS).flat();

/** A GET that reads something about `target` (by path or by `principalId` filter), or the groups list. */
function isLookupOf(request: RecordedRequest, target: string): boolean {
  if (request.method !== 'GET' || !LOOKUP_ROUTES.includes(request.route)) return false;
  if (request.route === 'listGroups') return true;
  return request.params.user === target || (request.query.$filter ?? '').includes(target);
}

function lookupCounts(emulator: GraphEmulator, target: string): Record<string, number> {
  const counts = Object.fromEntries(LOOKUP_ROUTES.map((route) => [route, 0]));
  for (const request of emulator.graphRequests()) {
    if (isLookupOf(request, target)) counts[request.route] += 1;
  }
  return counts;
}

function printCounts(title: string, counts: Record<string, number>): void {
  const lines = Object.entries(LOOKUPS).flatMap(([lookup, routes]) =>
    routes.map((route) => `  ${lookup.padEnd(9)} ${route.padEnd(42)} ${counts[route]}`),
  );
  console.log(`${title}\n${lines.join('\n')}`);
}

/** Sequence numbers of the first and last account change the emulator received. */
function changeSpan(emulator: GraphEmulator): { first: number; last: number } {
  const changes = emulator.graphRequests().filter((r) => CHANGING_ROUTES.includes(r.route));
  const first = changes.at(0)?.seq;
  const last = changes.at(-1)?.seq;
  if (first === undefined || last === undefined) throw new Error('the reset changed nothing');
  return { first, last };
}

let harness: ApprovalHarness;
let clock: TestClock;

beforeEach(async () => {
  clock = new TestClock();
  harness = await ApprovalHarness.start(
    {
      HELPDESK_SECURITY_CHANNEL_ID: DEMO.securityChannelId,
      HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
    },
    { createWorker: undefined, now: clock.now },
  );
});
afterEach(() => harness.stop());

/**
 * Files Hanako's changed-phone request, approves it, lets `beforeCode` happen, types the release
 * code, notes the pass and waits for DONE. Only the Graph requests from the click on are kept.
 */
async function resetHanako(beforeCode: () => void = () => undefined): Promise<string> {
  const id = await harness.fileRequest(HANAKO, '090-1234-5678');
  harness.emulator.clearRequests();
  const approved = await harness.click(KEN, 'approve', approveInputs(id));
  expect(approved.status).toBe(200);
  const chat = harness.chatOf(HANAKO);
  const cardsInChat = () => harness.connector.sentTo(chat).map(visibleText);
  await until('the pass card asking for the release code', () =>
    cardsInChat().some((text) => text.includes('受け取りコード')) ? true : undefined,
  );
  beforeCode();
  await harness.typeReleaseCode(HANAKO, id, releaseCodeOn(approved.body));
  await until('the pass on the pass card', () =>
    cardsInChat().some((text) => /パス: \S+/.test(text)) ? true : undefined,
  );
  await harness.say(HANAKO, { value: { kind: 'passNoted', requestId: id } });
  await until('DONE', async () =>
    (await harness.app.requests.get(id))?.request.state === 'DONE' ? true : undefined,
  );
  return id;
}

async function privilegeSources(id: string): Promise<unknown[]> {
  const audit = await harness.app.audit.list({ requestId: id });
  return audit
    .filter((record) => record.type === 'graph.step' && record.data?.step === 'checkPrivilege')
    .map((record) => record.data?.source);
}

describe('target lookups in one reset', () => {
  it('a changed-phone reset, click to DONE, looks the target up once', async () => {
    const id = await resetHanako();
    const counts = lookupCounts(harness.emulator, HANAKO.aadObjectId);
    printCounts('GETs per target lookup route, one changed-phone reset (click to DONE):', counts);

    for (const route of [...LOOKUPS.user, ...LOOKUPS.manager, ...LOOKUPS.privilege]) {
      expect({ route, count: counts[route] }).toEqual({ route, count: 1 });
    }
    // Methods: the click's lookup, then the two reads that are steps of the plan: the list of what
    // is still registered right before deleting, and the end state read back.
    expect(counts.listMethods).toBe(3);
    const { first, last } = changeSpan(harness.emulator);
    const lookups = harness.emulator.graphRequests().filter((r) => isLookupOf(r, HANAKO.aadObjectId));
    expect(lookups.filter((r) => r.seq < first).map((r) => r.route)).toEqual(
      expect.arrayContaining([...LOOKUP_ROUTES]),
    );
    expect(lookups.filter((r) => r.seq > first && r.seq < last).map((r) => r.route)).toEqual([
      'listMethods',
      'listMethods',
    ]);
    // The settled card, the requester's message and the notices reuse what was read.
    expect(lookups.filter((r) => r.seq > last)).toEqual([]);
    expect(harness.emulator.sentMails).toHaveLength(2);
    expect(await privilegeSources(id)).toEqual(['approval click']);
  });

  it('reads privilege live again when the release code comes after the decision window', async () => {
    const id = await resetHanako(() => clock.advance(2 * 60_000));
    const counts = lookupCounts(harness.emulator, HANAKO.aadObjectId);
    printCounts('GETs per target lookup route, the release code typed two minutes after approval:', counts);

    // The click's reading is two minutes old at the executor's check: Graph is asked again.
    for (const route of LOOKUPS.privilege) {
      expect({ route, count: counts[route] }).toEqual({ route, count: 2 });
    }
    expect(await privilegeSources(id)).toEqual(['graph']);
    // Everything else is still read once; the cards after the check show the executor's reading.
    expect([counts.getUser, counts.getManager, counts.listMethods]).toEqual([1, 1, 3]);
    const { last } = changeSpan(harness.emulator);
    expect(
      harness.emulator.graphRequests().filter((r) => r.seq > last && isLookupOf(r, HANAKO.aadObjectId)),
    ).toEqual([]);
  });
});
