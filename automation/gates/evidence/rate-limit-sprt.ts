import { minimumSample } from "../error-rate";

/**
 * Wald's sequential probability ratio test of a rate against a limit, for count data: n
 * requests of which k "failed" (5xx answers, or answers slower than a latency limit). Pure.
 *
 * It weighs two simple hypotheses about the candidate's rate p: "at the acceptable rate" p0
 * and "at the limit" p1 (p0 < p1), by the likelihood ratio after n requests
 *
 *   Λ(n, k) = (p1 / p0)^k · ((1 - p1) / (1 - p0))^(n - k)
 *
 * and stops at the first look where it crosses a boundary:
 *   - fail when Λ >= 1 / β: the data favour "at the limit" 1/β to one;
 *   - pass when Λ <= α, and only once n reaches the minimum sample of error-rate.ts (299
 *     requests for 1% at 95%), so no candidate passes on fewer requests than today's rule.
 *
 * Why the error rates hold whenever and however often the driver looks (anytime-valid): under
 * p0, Λ is a nonnegative martingale of mean 1, so by Ville's inequality P(Λ ever >= 1/β) <= β;
 * under p1, 1/Λ is one, so P(Λ ever <= α) <= α. A candidate worse than the limit (p > p1) makes
 * 1/Λ a supermartingale and passes even less often; one better than p0 fails even less often.
 * Looking after every request, every ten seconds or at random times only picks which crossings
 * are seen: it never adds any. These are Ville's boundaries, not Wald's approximate ones
 * ((1 - β)/α and β/(1 - α)), which can overshoot the stated rates; the price is a few more
 * requests per decision. A test that times out has decided nothing: its caller fails closed.
 *
 * With zero failures Λ falls by ln((1 - p1)/(1 - p0)) per request, so the fewest requests that
 * can pass are ln(α) / ln((1 - p1)/(1 - p0)): 595 for p1 = 1%, p0 = 0.5%, α = 5%. As p0
 * approaches 0 that approaches ln(α) / ln(1 - p1), the floor itself (299), so with the floor at
 * the confidence 1 - α it binds only at the limit of p0. Each error multiplies Λ by p1/p0, so a
 * fail needs at least ln(1/β) / ln(p1/p0) errors: 5 for p1 = 2·p0 and β = 5%.
 */

export interface RateLimitTest {
  /** The rate a candidate must not reach, p1 (0.01: 1% errors, or 1% slower than the limit). */
  readonly limit: number;
  /** A rate the candidate should pass at, p0 (0 < p0 < p1). */
  readonly acceptable: number;
  /** α: the most often a candidate at or above the limit may pass. */
  readonly falsePass: number;
  /** β: the most often a candidate at the acceptable rate may fail. */
  readonly falseFail: number;
}

export type SequentialVerdict = "continue" | "pass" | "fail";

export interface RateJudgement {
  readonly verdict: SequentialVerdict;
  readonly requests: number;
  readonly failures: number;
  /** failures / requests (0 before the first request). */
  readonly rate: number;
  readonly limit: number;
  /** ln Λ: evidence for "at the limit" over "acceptable" (above 0 leans to fail). */
  readonly logLikelihoodRatio: number;
  /** ln(1/β): fail at or above. */
  readonly failAt: number;
  /** ln(α): pass at or below (with the minimum sample). */
  readonly passAt: number;
  /** No pass below this many requests. */
  readonly minimumSample: number;
}

/** Refuses a test whose rates are not 0 < acceptable < limit < 1 and 0 < α, β < 1. */
export function checkRateLimitTest(test: RateLimitTest, what = "rate test"): void {
  const { limit, acceptable, falsePass, falseFail } = test;
  if (!(limit > 0 && limit < 1)) {
    throw new RangeError(`${what}: limit ${limit} must be above 0 and below 1`);
  }
  if (!(acceptable > 0 && acceptable < limit)) {
    throw new RangeError(
      `${what}: acceptable rate ${acceptable} must be above 0 and below the limit ${limit}`,
    );
  }
  for (const [name, value] of [
    ["false-pass rate", falsePass],
    ["false-fail rate", falseFail],
  ] as const) {
    if (!(value > 0 && value < 0.5)) {
      throw new RangeError(`${what}: ${name} ${value} must be above 0 and below 0.5`);
    }
  }
}

/** The floor: error-rate.ts's minimum sample at the confidence 1 - α. */
export function rateTestFloor(test: RateLimitTest): number {
  return minimumSample(test.limit, 1 - test.falsePass);
}

/** ln Λ after `failures` out of `requests`. */
export function rateLogLikelihoodRatio(
  test: RateLimitTest,
  requests: number,
  failures: number,
): number {
  const { limit: p1, acceptable: p0 } = test;
  const perFailure = Math.log(p1 / p0);
  const perSuccess = Math.log1p(-p1) - Math.log1p(-p0);
  return failures * perFailure + (requests - failures) * perSuccess;
}

/** The fewest requests that can pass: zero failures, and at least the floor. */
export function fewestRequestsToPass(test: RateLimitTest): number {
  const perSuccess = Math.log1p(-test.limit) - Math.log1p(-test.acceptable);
  return Math.max(rateTestFloor(test), Math.ceil(Math.log(test.falsePass) / perSuccess));
}

/** The test's verdict on the totals seen so far. */
export function judgeRateLimit(
  test: RateLimitTest,
  requests: number,
  failures: number,
): RateJudgement {
  if (!Number.isInteger(requests) || !Number.isInteger(failures) || failures < 0) {
    throw new RangeError(`counts must be whole and not negative (${failures}/${requests})`);
  }
  if (failures > requests) {
    throw new RangeError(`${failures} failures among ${requests} requests`);
  }
  const llr = rateLogLikelihoodRatio(test, requests, failures);
  const failAt = -Math.log(test.falseFail);
  const passAt = Math.log(test.falsePass);
  const floor = rateTestFloor(test);
  const verdict: SequentialVerdict =
    llr >= failAt ? "fail" : llr <= passAt && requests >= floor ? "pass" : "continue";
  return {
    verdict,
    requests,
    failures,
    rate: requests === 0 ? 0 : failures / requests,
    limit: test.limit,
    logLikelihoodRatio: llr,
    failAt,
    passAt,
    minimumSample: floor,
  };
}
