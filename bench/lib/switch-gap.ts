/**
 * The switchover gap as a client sees it: the longest stretch of time, while traffic moves, in
 * which no successful answer arrived. Errors and timeouts are not answers, so they lengthen the
 * gap; a flip that drops nothing and stalls nothing keeps it near the load's own request spacing.
 */

/** One finished request, on the wall clock (ms since the epoch). */
export interface TimedAnswer {
  readonly at: number;
  readonly ok: boolean;
}

export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * The longest interval inside `window` with no successful answer: between the window's start,
 * each success in it, and the window's end. A window with no success at all is a gap of its
 * whole length.
 */
export function longestGap(answers: readonly TimedAnswer[], window: TimeWindow): number {
  const successes = answers
    .filter((a) => a.ok && a.at >= window.from && a.at <= window.to)
    .map((a) => a.at)
    .sort((a, b) => a - b);
  let previous = window.from;
  let longest = 0;
  for (const at of [...successes, window.to]) {
    longest = Math.max(longest, at - previous);
    previous = at;
  }
  return longest;
}

/** The value at percentile p (0-100) of `values`, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length === 0 ? 0 : Math.max(...values),
  };
}
