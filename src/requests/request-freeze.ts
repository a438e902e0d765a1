import type { Logger } from '../log';
import type { RequestStore } from '../ports/request-store';

const HOUR_MS = 60 * 60_000;

export interface RequestFreezeDependencies {
  requests: RequestStore;
  /** More requests than this within an hour, tenant-wide, and filing stops. */
  limitPerHour: number;
  now: () => Date;
  logger: Logger;
  /** Tells the approvers (in their channel) that filing stopped; called once per freeze. */
  announce: (limitPerHour: number) => Promise<void>;
}

/**
 * A tenant-wide brake on filing. A burst of reset requests is what a helpdesk social-engineering
 * campaign looks like (CISA AA23-320A); past the limit new requesters are sent to the helpdesk,
 * whose people can judge a pattern a busy approver cannot. Counted from the stored requests, so a
 * restart does not reset it; the freeze ends by itself once the last hour holds fewer requests.
 */
export class RequestFreeze {
  private announced = false;

  constructor(private readonly deps: RequestFreezeDependencies) {}

  async isFrozen(): Promise<boolean> {
    const since = new Date(this.deps.now().getTime() - HOUR_MS);
    const recent = await this.deps.requests.countAllCreatedSince(since);
    if (recent < this.deps.limitPerHour) {
      this.announced = false;
      return false;
    }
    if (!this.announced) {
      this.announced = true;
      this.deps.logger.warn({ recent, limitPerHour: this.deps.limitPerHour }, 'request filing frozen');
      try {
        await this.deps.announce(this.deps.limitPerHour);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not tell the approvers about the freeze');
      }
    }
    return true;
  }
}
