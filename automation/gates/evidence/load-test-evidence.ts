import { judgeRateLimit, type RateJudgement, type RateLimitTest } from "./rate-limit-sprt";

/**
 * When the staging load test may stop before its duration: the sequential rule. Pure.
 *
 * Only requests sent at full load count (after the ramp). Two of rate-limit-sprt.ts's tests run
 * on them after every look:
 *   - errors: non-2xx answers, errors and timeouts among attempts, against `maxErrorRate`
 *     (acceptable: half of it);
 *   - latency: "p95 <= maxP95Ms" as count data, the answers slower than maxP95Ms against 5%
 *     (acceptable: 2.5%), as latency-counts.ts words a quantile limit.
 * The test fails at once when either has shown its candidate at the limit (anytime-valid, so
 * looking every second adds no false fails beyond `falseFail`). It passes early only when both
 * have passed, the full-load throughput so far is at least `minRequestsPerSecond`, and it has
 * held full load for `floorSeconds` (a slow burn still gets that long). Otherwise it runs to
 * its duration and the whole run is judged on its figures as before (load-gate.ts).
 */
export interface LoadEvidenceRule {
  readonly maxErrorRate: number;
  readonly maxP95Ms: number;
  readonly minRequestsPerSecond: number;
  /** α: the most often a release at a limit may stop early with a pass. */
  readonly falsePass: number;
  /** β: the most often a release at half a limit may stop early with a fail. */
  readonly falseFail: number;
  /** Full load held at least this long before a pass may stop the test. */
  readonly floorSeconds: number;
}

/** What the run has seen at full load so far. */
export interface FullLoadCounts {
  readonly seconds: number;
  /** Answers, errors and timeouts. */
  readonly attempts: number;
  /** Non-2xx answers, errors and timeouts. */
  readonly failures: number;
  readonly answers: number;
  /** Answers slower than maxP95Ms. */
  readonly slow: number;
}

export interface LoadEvidenceVerdict {
  readonly verdict: "continue" | "pass" | "fail";
  /** e.g. "errors 0/120000 passed, p95 slow 31/120000 passed, 2050 req/s, held 120 s". */
  readonly detail: string;
}

/** The share of answers a p95 limit allows above it. */
const P95_SLOW_SHARE = 0.05;

export function loadErrorTest(rule: LoadEvidenceRule): RateLimitTest {
  return {
    limit: rule.maxErrorRate,
    acceptable: rule.maxErrorRate / 2,
    falsePass: rule.falsePass,
    falseFail: rule.falseFail,
  };
}

export function loadLatencyTest(rule: LoadEvidenceRule): RateLimitTest {
  return {
    limit: P95_SLOW_SHARE,
    acceptable: P95_SLOW_SHARE / 2,
    falsePass: rule.falsePass,
    falseFail: rule.falseFail,
  };
}

export function judgeLoadSoFar(
  rule: LoadEvidenceRule,
  counts: FullLoadCounts,
): LoadEvidenceVerdict {
  const errors = judgeRateLimit(loadErrorTest(rule), counts.attempts, counts.failures);
  const latency = judgeRateLimit(loadLatencyTest(rule), counts.answers, counts.slow);
  const throughput = counts.seconds > 0 ? counts.answers / counts.seconds : 0;
  const detail =
    `errors ${said(errors)}, answers over ${rule.maxP95Ms} ms ${said(latency)}, ` +
    `${Math.round(throughput)} req/s at full load, held ${Math.round(counts.seconds)} s`;
  if (errors.verdict === "fail" || latency.verdict === "fail") return { verdict: "fail", detail };
  const passed =
    errors.verdict === "pass" &&
    latency.verdict === "pass" &&
    throughput >= rule.minRequestsPerSecond &&
    counts.seconds >= rule.floorSeconds;
  return { verdict: passed ? "pass" : "continue", detail };
}

function said(judgement: RateJudgement): string {
  const shown = judgement.verdict === "continue" ? "undecided" : `${judgement.verdict}ed`;
  return `${judgement.failures}/${judgement.requests} ${shown} (limit ${percent(judgement.limit)}%)`;
}

const percent = (fraction: number) => Number((fraction * 100).toPrecision(3)).toString();
