/**
 * A latency limit as count data: "p99 <= 500 ms" holds exactly when at most 1% of the requests
 * are slower than 500 ms, so the rate test of rate-limit-sprt.ts judges the count of slow
 * requests against the limit 1 - 0.99. Pure.
 */

/** "pQ <= thresholdMs": the share of requests allowed slower than the threshold is 1 - Q. */
export interface LatencyLimit {
  readonly thresholdMs: number;
  /** e.g. 0.99 for p99. */
  readonly quantile: number;
}

/** The rate limit of a latency limit: 0.01 for a p99. */
export function slowRateLimit(limit: LatencyLimit): number {
  if (!(limit.quantile > 0 && limit.quantile < 1)) {
    throw new RangeError(`latency quantile ${limit.quantile} must be above 0 and below 1`);
  }
  if (!(limit.thresholdMs > 0)) {
    throw new RangeError(`latency threshold ${limit.thresholdMs} ms must be above 0`);
  }
  return 1 - limit.quantile;
}

/** Requests slower than the threshold, from each request's latency. */
export function slowCount(latenciesMs: readonly number[], thresholdMs: number): number {
  let slow = 0;
  for (const latency of latenciesMs) if (latency > thresholdMs) slow++;
  return slow;
}

/**
 * One histogram bucket: the requests whose latency was above `lowerMs` and at most `upperMs`
 * (CloudWatch's and Prometheus' buckets are bounded this way; the last may be open, upperMs
 * Infinity).
 */
export interface LatencyBucket {
  readonly lowerMs: number;
  readonly upperMs: number;
  readonly count: number;
}

/**
 * Requests that may be slower than the threshold, from histogram buckets. A bucket that
 * straddles the threshold counts whole as slow: a bucketed gate can then only fail too early,
 * never pass a candidate that is too slow. Choose a bucket bound at the threshold (500 ms) and
 * the count is exact.
 */
export function slowCountFromBuckets(
  buckets: readonly LatencyBucket[],
  thresholdMs: number,
): { readonly requests: number; readonly slow: number } {
  let requests = 0;
  let slow = 0;
  for (const bucket of buckets) {
    if (!(bucket.upperMs > bucket.lowerMs) || bucket.count < 0) {
      throw new RangeError(
        `bad latency bucket (${bucket.lowerMs} ms, ${bucket.upperMs} ms]: ${bucket.count}`,
      );
    }
    requests += bucket.count;
    if (bucket.upperMs > thresholdMs) slow += bucket.count;
  }
  return { requests, slow };
}
