import type { Figure } from "../gate-summary";
import { type EvidenceSettings, evidenceTests, type EvidenceTests } from "./evidence-settings";
import {
  checkRateComparisonTest,
  type ComparisonJudgement,
  judgeRateComparison,
  type RateComparisonTest,
} from "./rate-comparison";
import { judgeRateLimit, type RateJudgement, type SequentialVerdict } from "./rate-limit-sprt";

/** The candidate's totals since the window began (and the stable color's, where both run). */
export interface EvidenceCounts {
  readonly requests: number;
  /** 5xx answers among them. */
  readonly errors: number;
  /** Requests slower than the latency limit (latency-counts.ts); needed with a latency limit. */
  readonly slow?: number;
  readonly stable?: { readonly requests: number; readonly errors: number };
}

export interface EvidenceDecision {
  readonly verdict: SequentialVerdict;
  /** One line for the log and the journal. */
  readonly detail: string;
  /** For the journal (gate-evaluated), the live view and notifications. */
  readonly figures: readonly Figure[];
  readonly errorRate: RateJudgement;
  readonly latency?: RateJudgement;
  readonly comparison?: ComparisonJudgement;
}

/**
 * The one incremental API a gate calls: feed the window's running totals after every
 * measurement (every request, if it likes), get `continue | pass | fail` with the figures.
 *
 * - The error-rate test, and the latency test when the settings have a latency limit, are
 *   Wald's SPRT (rate-limit-sprt.ts); the comparison with the stable color, when the window has
 *   both colors (`candidateShare` given), is the count test of rate-comparison.ts.
 * - It fails as soon as any test crosses its fail boundary, and that sticks.
 * - Each rate test's pass sticks once crossed (its stopping time); the decision passes once
 *   every rate test has passed and the comparison has not failed. Watching for a failure after a
 *   test passed (a time floor still running) only stops more bad candidates: both error rates
 *   still hold, each per test (a good candidate fails at most β per test: at most the sum of
 *   them over the tests, by the union bound).
 * - The comparison passing is extra evidence, never required: with no errors on either color it
 *   has nothing to count.
 *
 * Totals may only grow; a new window (a new step) takes a new instance.
 */
export class SequentialEvidence {
  private readonly tests: EvidenceTests;
  private readonly comparison: RateComparisonTest | undefined;
  private last: EvidenceCounts = { requests: 0, errors: 0, slow: 0 };
  private errorsPassed: RateJudgement | undefined;
  private latencyPassed: RateJudgement | undefined;
  private failed: EvidenceDecision | undefined;

  constructor(
    private readonly settings: EvidenceSettings,
    options: { readonly candidateShare?: number } = {},
  ) {
    this.tests = evidenceTests(settings);
    if (settings.comparison !== undefined && options.candidateShare !== undefined) {
      this.comparison = {
        ...settings.comparison,
        candidateShare: options.candidateShare,
        falsePass: 1 - settings.confidence,
        falseFail: 1 - settings.power,
      };
      checkRateComparisonTest(this.comparison);
    }
  }

  observe(counts: EvidenceCounts): EvidenceDecision {
    this.checkGrowing(counts);
    this.last = counts;
    if (this.failed) return this.failed;
    const errorRate = judgeRateLimit(this.tests.errorRate, counts.requests, counts.errors);
    if (errorRate.verdict === "pass") this.errorsPassed ??= errorRate;
    let latency: RateJudgement | undefined;
    if (this.tests.latency) {
      if (counts.slow === undefined) {
        throw new RangeError("a latency limit is set: counts.slow (requests over it) is required");
      }
      latency = judgeRateLimit(this.tests.latency, counts.requests, counts.slow);
      if (latency.verdict === "pass") this.latencyPassed ??= latency;
    }
    let comparison: ComparisonJudgement | undefined;
    if (this.comparison) {
      if (counts.stable === undefined) {
        throw new RangeError("the window has both colors: counts.stable is required");
      }
      comparison = judgeRateComparison(this.comparison, counts.errors, counts.stable.errors);
    }
    const failing = [errorRate, latency, comparison].find((j) => j?.verdict === "fail");
    const passed =
      this.errorsPassed !== undefined &&
      (this.tests.latency === undefined || this.latencyPassed !== undefined);
    const verdict: SequentialVerdict = failing ? "fail" : passed ? "pass" : "continue";
    const decision: EvidenceDecision = {
      verdict,
      detail: this.describe(verdict, errorRate, latency, comparison),
      figures: figuresOf(errorRate, latency, comparison),
      errorRate,
      ...(latency ? { latency } : {}),
      ...(comparison ? { comparison } : {}),
    };
    if (verdict === "fail") this.failed = decision;
    return decision;
  }

  private checkGrowing(counts: EvidenceCounts): void {
    const shrank =
      counts.requests < this.last.requests ||
      counts.errors < this.last.errors ||
      (counts.slow ?? 0) < (this.last.slow ?? 0) ||
      (counts.stable?.errors ?? 0) < (this.last.stable?.errors ?? 0);
    if (shrank) {
      throw new RangeError(
        `totals went down (${JSON.stringify(counts)} after ${JSON.stringify(this.last)}): a new window needs a new SequentialEvidence`,
      );
    }
  }

  private describe(
    verdict: SequentialVerdict,
    errorRate: RateJudgement,
    latency: RateJudgement | undefined,
    comparison: ComparisonJudgement | undefined,
  ): string {
    const parts = [
      `errors ${errorRate.failures}/${errorRate.requests} (${pct(errorRate.rate)}, limit ${pct(errorRate.limit)}, Λ ${ratio(errorRate.logLikelihoodRatio)})`,
    ];
    if (latency && this.settings.latency) {
      const { quantile, thresholdMs } = this.settings.latency;
      parts.push(
        `over ${thresholdMs} ms ${latency.failures}/${latency.requests} (${pct(latency.rate)}, p${quantile * 100} limit ${pct(latency.limit)}, Λ ${ratio(latency.logLikelihoodRatio)})`,
      );
    }
    if (comparison) {
      parts.push(
        `vs stable: errors ${comparison.candidateErrors} to ${comparison.stableErrors}, E(worse) ${ratio(comparison.logFailEvidence)}`,
      );
    }
    const floor = errorRate.minimumSample;
    const why =
      verdict === "fail"
        ? `fail: evidence for the limit reached 1/β = ${ratio(errorRate.failAt)}`
        : verdict === "pass"
          ? `pass: Λ at or under α = ${ratio(errorRate.passAt)} with at least ${floor} requests`
          : `continue: not yet conclusive (pass needs Λ <= ${ratio(errorRate.passAt)} and ${floor} requests)`;
    return `${parts.join("; ")}: ${why}`;
  }
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : 2)}%`;
const ratio = (log: number) => Math.exp(log).toPrecision(3);

function figuresOf(
  errorRate: RateJudgement,
  latency: RateJudgement | undefined,
  comparison: ComparisonJudgement | undefined,
): Figure[] {
  const figures: Figure[] = [
    {
      name: "candidate requests",
      value: errorRate.requests,
      unit: "requests",
      threshold: errorRate.minimumSample,
      limit: "min",
    },
    {
      name: "error rate",
      value: errorRate.rate * 100,
      unit: "%",
      threshold: errorRate.limit * 100,
      limit: "max",
    },
    {
      name: "error evidence ratio",
      value: Math.exp(errorRate.logLikelihoodRatio),
      unit: "",
      threshold: Math.exp(errorRate.failAt),
      limit: "max",
    },
  ];
  if (latency) {
    figures.push(
      {
        name: "slow share",
        value: latency.rate * 100,
        unit: "%",
        threshold: latency.limit * 100,
        limit: "max",
      },
      {
        name: "latency evidence ratio",
        value: Math.exp(latency.logLikelihoodRatio),
        unit: "",
        threshold: Math.exp(latency.failAt),
        limit: "max",
      },
    );
  }
  if (comparison) {
    figures.push({
      name: "worse-than-stable e-value",
      value: Math.exp(comparison.logFailEvidence),
      unit: "",
      threshold: Math.exp(comparison.failAt),
      limit: "max",
    });
  }
  return figures;
}
