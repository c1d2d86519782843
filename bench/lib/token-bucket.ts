import type { Clock } from "../../automation/support/clock";

/** A documented API quota: a bucket of `capacity` tokens refilled at `perSecond`. */
export interface ApiQuota {
  readonly capacity: number;
  readonly perSecond: number;
}

/**
 * A token bucket on a (virtual) clock, shared by every caller of one API in one account and
 * Region: a call takes a token, or waits on the clock until one has refilled, in the order the
 * calls arrived. It is the exact virtual-scheduling form of the bucket (GCRA: a token every
 * 1/perSecond, a burst of `capacity`), so a throttled call waits exactly as long as AWS's bucket
 * would make a client that retries at the right instant wait; the SDK's backoff only adds.
 */
export class TokenBucket {
  /** When the bucket, emptied by the calls so far, is full again minus the burst. */
  private theoreticalArrival: number;
  private calls = 0;
  private waitedMs = 0;

  constructor(
    private readonly clock: Clock,
    readonly quota: ApiQuota,
  ) {
    if (!(quota.capacity >= 1 && quota.perSecond > 0)) {
      throw new RangeError(
        `a bucket needs capacity >= 1 and a refill above 0: ${JSON.stringify(quota)}`,
      );
    }
    this.theoreticalArrival = clock.now();
  }

  /** Takes one token, waiting on the clock when the bucket is empty. */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const interval = 1000 / this.quota.perSecond;
    const burst = (this.quota.capacity - 1) * interval;
    const grantedAt = Math.max(now, this.theoreticalArrival - burst);
    this.theoreticalArrival = Math.max(this.theoreticalArrival, grantedAt) + interval;
    this.calls++;
    if (grantedAt > now) {
      this.waitedMs += grantedAt - now;
      await this.clock.sleep(grantedAt - now, signal);
    }
  }

  /** Calls so far, and the total time they waited for a token. */
  usage(): { readonly calls: number; readonly waitedMs: number } {
    return { calls: this.calls, waitedMs: this.waitedMs };
  }
}
