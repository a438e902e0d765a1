import { transition } from '../../src/domain/request-lifecycle';
import { EXECUTOR_ACTOR, EXECUTOR_DEFAULTS } from '../../src/requests/reset-executor';
import { startBot, tempDatabase, type RunningBot } from '../support/running-bot';
import { approvedRequest } from '../bot/executor-test-kit';
import { DEMO } from '../support/test-config';

const STALE_AFTER_MS = EXECUTOR_DEFAULTS.leaseSeconds * 1000 + EXECUTOR_DEFAULTS.pollIntervalMs;

describe('/readyz', () => {
  let db: ReturnType<typeof tempDatabase>;
  let bot: RunningBot;
  // A clock that moves only when told, so the lease boundary is exact.
  let at: Date;
  const clock = {
    now: (): Date => at,
    advance: (ms: number): void => {
      at = new Date(at.getTime() + ms);
    },
  };
  beforeEach(async () => {
    db = tempDatabase();
    at = new Date('2026-12-01T09:00:00.000Z');
    bot = await startBot(db.path, {}, { now: clock.now });
  });
  afterEach(async () => {
    await bot.stop();
    db.cleanup();
  });

  const readyz = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${bot.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** A request the executor took, whose lease runs until now. */
  async function runningRequest(): Promise<void> {
    const approved = await approvedRequest(bot.app.requests, {
      requester: { aadObjectId: DEMO.users.hanako, name: '田中 花子' },
      at: clock.now(),
    });
    const executing = transition(approved.request, 'EXECUTING', EXECUTOR_ACTOR, clock.now());
    await bot.app.requests.update(
      {
        ...executing,
        execution: { steps: [], lease: { owner: 'worker-a#1', until: clock.now().toISOString() } },
      },
      approved.eTag,
    );
  }

  it('answers 200 when storage answers and no lease is stale, and /healthz stays cheap', async () => {
    await expect(readyz()).resolves.toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: {
          storage: { ok: true, detail: 'reachable' },
          executor: { ok: true, detail: '0 running, every lease fresh' },
        },
      },
    });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 when storage is unreachable, while /healthz still answers 200', async () => {
    await bot.app.stores.close();
    await expect(readyz()).resolves.toEqual({
      status: 503,
      body: {
        status: 'not ready',
        checks: {
          storage: { ok: false, detail: 'storage is unreachable' },
          executor: { ok: false, detail: 'not checked: storage is unreachable' },
        },
      },
    });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 once a running request has been left with an expired lease, 200 before', async () => {
    await runningRequest();
    clock.advance(STALE_AFTER_MS);
    expect((await readyz()).status).toBe(200);
    clock.advance(1);
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.checks).toMatchObject({
      storage: { ok: true },
      executor: {
        ok: false,
        detail: `1 running request(s) with a lease expired over ${STALE_AFTER_MS / 1000} s ago`,
      },
    });
  });
});
