/**
 * One owner for the pass lifetime rule (issue 11): changing HELPDESK_TAP_MAX_LIFETIME_MINUTES moves
 * the approval card, the reader of the approver's typed lifetime and the lifetime sent to Graph,
 * all through the real bot, the real Graph adapter and the HTTPS emulator (which records the body).
 */
import type { Activity } from 'botbuilder';
import { GRAPH_TAP_LIFETIME } from '../../src/domain/tap-lifetime';
import { visibleText } from '../support/running-bot';
import { ApprovalHarness, KEN, approveInputs, invokeCardText, until } from '../support/approval-harness';
import { HANAKO, MISAKI } from '../support/teams-activity';

jest.setTimeout(120_000);

/** Requests are filed at whatever time the machine says; an office open all week keeps them open. */
const ALWAYS_OPEN = { HELPDESK_OFFICE_HOURS: 'Mon-Sun 00:00-24:00' };

interface CardElement {
  id?: string;
  type?: string;
  [key: string]: unknown;
}

/** The element with `id` anywhere in a card (inputs sit inside containers and show-cards). */
function findElement(node: unknown, id: string): CardElement | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findElement(child, id);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const element = node as CardElement;
  if (element.id === id) return element;
  for (const value of Object.values(element)) {
    const found = findElement(value, id);
    if (found) return found;
  }
  return undefined;
}

function lifetimeInput(activity: Partial<Activity> | undefined): CardElement | undefined {
  return findElement(
    activity?.attachments?.map((attachment) => attachment.content as unknown),
    'tapLifetimeMinutes',
  );
}

describe.each([
  // Below the usual default hour, so the card's first offer follows too; and the ceiling.
  { maximum: 45, offered: 45 },
  { maximum: 480, offered: 60 },
])('with HELPDESK_TAP_MAX_LIFETIME_MINUTES=$maximum', ({ maximum, offered }) => {
  let harness: ApprovalHarness;

  beforeAll(async () => {
    harness = await ApprovalHarness.start(
      { ...ALWAYS_OPEN, HELPDESK_TAP_MAX_LIFETIME_MINUTES: String(maximum) },
      { createWorker: undefined },
    );
  });
  afterAll(() => harness.stop());

  const stateOf = async (id: string): Promise<string | undefined> =>
    (await harness.app.requests.get(id))?.request.state;

  it('the approval card offers the configured range and says the maximum', async () => {
    const id = await harness.fileRequest(MISAKI);
    const posted = harness.approvalsActivities().find((activity) => visibleText(activity).includes(id));
    expect(lifetimeInput(posted)).toMatchObject({
      type: 'Input.Number',
      min: GRAPH_TAP_LIFETIME.minMinutes,
      max: maximum,
      value: offered,
    });
    expect(visibleText(posted ?? {})).toContain(`一時アクセス パスの有効時間 (分、最大 ${maximum})`);

    // The reader accepts exactly the maximum.
    const atMaximum = await harness.click(
      KEN,
      'approve',
      approveInputs(id, { tapLifetimeMinutes: String(maximum) }),
    );
    expect(invokeCardText(atMaximum.body)).toContain('承認済み');
    expect((await harness.app.requests.get(id))?.request.decision?.tapLifetimeMinutes).toBe(maximum);
  });

  it('the reader refuses under the floor naming the maximum, caps above it, and Graph gets the maximum', async () => {
    const id = await harness.fileRequest(HANAKO);
    const tooShort = await harness.click(KEN, 'approve', approveInputs(id, { tapLifetimeMinutes: '9' }));
    expect(invokeCardText(tooShort.body)).toContain(`有効時間は 10～${maximum} 分`);
    expect(await stateOf(id)).toBe('PENDING');

    // Above the maximum the configured ceiling wins: never more than the maximum is stored or sent.
    const { response } = await harness.approveAndRelease(KEN, id, HANAKO, {
      tapLifetimeMinutes: String(maximum + 1),
    });
    expect(invokeCardText(response.body)).toContain('承認済み');
    expect((await harness.app.requests.get(id))?.request.decision?.tapLifetimeMinutes).toBe(maximum);

    const created = await until('the pass to be created in Graph', () =>
      harness.emulator.requestsFor('createTemporaryAccessPass').find((request) => request.status === 201),
    );
    expect(created.body).toEqual({ lifetimeInMinutes: maximum, isUsableOnce: true });
    await until('the pass card', () =>
      harness.connector
        .sentTo(harness.chatOf(HANAKO))
        .some((activity) => visibleText(activity).includes('パス: '))
        ? true
        : undefined,
    );
    await harness.say(HANAKO, { value: { kind: 'passNoted', requestId: id } });
    await until('the reset to settle', async () => ((await stateOf(id)) === 'DONE' ? true : undefined));
  });
});
