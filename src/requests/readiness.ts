import type { RequestStore } from '../ports/request-store';

export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { storage: ReadinessCheck; executor: ReadinessCheck };
}

export interface ReadinessOptions {
  /** Throws when storage cannot be used (a trivial read). */
  pingStorage: () => Promise<void>;
  requests: RequestStore;
  now: () => Date;
  /**
   * How long a request may sit with an expired lease before the executor counts as not keeping up.
   * A live executor takes such a request over at its next poll.
   */
  staleLeaseMs: number;
  /** A storage call that takes longer counts as unreachable. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

async function within<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `/readyz` answers: storage answers, and no running request has been left with a lease that
 * ran out long ago (that means no executor is alive to carry it on). Graph is not checked: the bot
 * still talks to people, and says so, while Graph is down.
 */
export async function checkReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    await within(options.pingStorage, timeoutMs);
  } catch {
    return {
      ready: false,
      checks: {
        storage: { ok: false, detail: 'storage is unreachable' },
        executor: { ok: false, detail: 'not checked: storage is unreachable' },
      },
    };
  }
  const storage = { ok: true, detail: 'reachable' };
  let running;
  try {
    running = await within(() => options.requests.listByState(['EXECUTING']), timeoutMs);
  } catch {
    return {
      ready: false,
      checks: { storage, executor: { ok: false, detail: 'could not read the running requests' } },
    };
  }
  const cutoff = options.now().getTime() - options.staleLeaseMs;
  const stale = running.filter(({ request }) => {
    const until = request.execution?.lease?.until;
    return until !== undefined && Date.parse(until) < cutoff;
  }).length;
  const executor =
    stale === 0
      ? { ok: true, detail: `${running.length} running, every lease fresh` }
      : {
          ok: false,
          detail: `${stale} running request(s) with a lease expired over ${options.staleLeaseMs / 1000} s ago`,
        };
  return { ready: executor.ok, checks: { storage, executor } };
}
