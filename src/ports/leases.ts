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
