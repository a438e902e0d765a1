/**
 * Named leases for jobs that one instance at a time should run (the request sweeper, transcript
 * retention) when several bot instances share one store. A lease is held until `until`; a crashed
 * holder's lease simply runs out. Taking and renewing are compare-and-swap writes in every backend.
 */
export interface Leases {
  /**
   * Takes the lease `name` for `owner` until `now + ttlMs`, or renews it if `owner` already holds it.
   * Returns false, changing nothing, while another owner holds an unexpired lease.
   */
  tryAcquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Gives the lease up early if `owner` still holds it; otherwise does nothing. */
  release(name: string, owner: string): Promise<void>;
}

/** How a one-at-a-time job takes its lease. */
export interface JobLease {
  leases: Leases;
  /** This instance: unique among all instances that share the store. */
  owner: string;
  /** How long a crashed run keeps the others out; a finished run gives the lease up at once. */
  ttlMs: number;
}

/**
 * Runs `work` if this instance takes the lease `name`, and gives it up afterwards; resolves
 * `{ ran: false }` without running it while another instance holds the lease.
 */
export async function runUnderLease<T>(
  lease: JobLease,
  name: string,
  now: Date,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!(await lease.leases.tryAcquire(name, lease.owner, lease.ttlMs, now))) return { ran: false };
  try {
    return { ran: true, value: await work() };
  } finally {
    await lease.leases.release(name, lease.owner);
  }
}
