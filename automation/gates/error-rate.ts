/**
 * How a gate tells a candidate's error rate apart from its threshold, from a sample of its own
 * requests: an exact binomial test, one-sided. Pure.
 *
 * With n requests, k errors, a limit p and a confidence c, a check:
 *  - fails once k errors would be too many for a candidate at the limit: P(X >= k | n, p)
 *    < 1 - c. The candidate is then worse than allowed at that confidence, whatever the
 *    sample size (a 30% candidate against 1% shows it within a dozen requests);
 *  - passes only once it has seen the minimum sample and the observed rate k/n is at or
 *    under the limit;
 *  - is pending otherwise: too few requests, or a rate above the limit that is not yet
 *    conclusive. More requests settle it; an analysis that never settles fails at its deadline.
 *
 * The minimum sample is the smallest n at which a clean sample bounds the rate under the
 * limit at that confidence: (1 - p)^n <= 1 - c, so n = ceil(ln(1 - c) / ln(1 - p)): 299
 * requests for 1% at 95% (the "rule of three", 3 / p, is its approximation). Below it, a
 * clean sample says nothing about a 1% limit.
 */

/** Requests a check must see before it can pass against `maxErrorRate`. */
export function minimumSample(maxErrorRate: number, confidence: number): number {
  if (maxErrorRate <= 0) return Number.POSITIVE_INFINITY;
  if (maxErrorRate >= 1) return 1;
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - maxErrorRate));
}

/** P(X >= k) for X ~ Binomial(n, p), summed in log space so that n in the millions is fine. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  // log pmf(i) by the recurrence pmf(i+1) = pmf(i) * (n - i) / (i + 1) * p / (1 - p).
  const logRatio = Math.log(p) - Math.log(1 - p);
  let logPmf = n * Math.log(1 - p); // pmf(0)
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += Math.exp(logPmf);
    logPmf += Math.log(n - i) - Math.log(i + 1) + logRatio;
  }
  return Math.min(1, Math.max(0, 1 - below));
}

export type ErrorRateVerdict = "pass" | "fail" | "pending";

export interface ErrorRateJudgement {
  readonly verdict: ErrorRateVerdict;
  readonly rate: number;
  /** P(this many errors or more | a candidate exactly at the limit). */
  readonly pValue: number;
  readonly minimum: number;
  readonly detail: string;
}

export function judgeErrorRate(
  errors: number,
  requests: number,
  maxErrorRate: number,
  confidence: number,
): ErrorRateJudgement {
  const rate = requests === 0 ? 0 : errors / requests;
  const pValue = binomialUpperTail(errors, requests, maxErrorRate);
  const minimum = minimumSample(maxErrorRate, confidence);
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%`;
  const seen = `${errors}/${requests} errors (${pct(rate)})`;
  const limit = `limit ${pct(maxErrorRate)}`;
  const judged = (verdict: ErrorRateVerdict, detail: string): ErrorRateJudgement => ({
    verdict,
    rate,
    pValue,
    minimum,
    detail,
  });
  if (pValue < 1 - confidence)
    return judged("fail", `${seen} > ${limit} (p=${pValue.toPrecision(2)})`);
  if (requests < minimum) return judged("pending", `${seen}; ${limit} needs ${minimum} requests`);
  if (rate <= maxErrorRate) return judged("pass", `${seen} <= ${limit}`);
  return judged("pending", `${seen}: above the ${limit}, not yet conclusive`);
}
