import { logBeta, logBetaTails } from "./beta-functions";
import type { SequentialVerdict } from "./rate-limit-sprt";

/**
 * The candidate against the stable color's live traffic, where both run (a shift), on counts:
 * the sequential test of Lindon, Sanden and Shirikian, "Rapid Regression Detection in Software
 * Deployments through Sequential Testing" (KDD 2022, arXiv 2205.14762, section 4), with its
 * null moved from "equal" to "within a tolerance", one side at a time. Pure.
 *
 * The paper's model and assumptions: each color's error events form a time-inhomogeneous
 * Poisson process with intensity λ_i(t) = ρ_i · e^(δ_i) · λ(t), where ρ_i is the color's fixed
 * share of the traffic (the listener weight during the step), e^(δ_i) its error rate per request
 * and λ(t) a common, unknown, time-varying load. λ(t) cancels: whatever the load does, each
 * error event is the candidate's with probability
 *
 *   θ = ρ e^δc / (ρ e^δc + (1 - ρ) e^δs),
 *
 * so the only data are two integers, the candidate's and the stable color's error counts Nc
 * and Ns, and Nc given N = Nc + Ns is Binomial(N, θ). The paper tests θ = ρ (equal rates) with
 * a Beta mixture over θ, whose likelihood ratio against the null is an e-process (anytime
 * valid by Ville's inequality).
 *
 * Here the candidate may be worse by a tolerance: r = maxRatio, its error rate at most r times
 * the stable one, i.e. θ at most θr = ρr / (ρr + 1 - ρ). Two one-sided mixture ratios against
 * the boundary θr, each with the Beta(c·θr, c·(1 - θr)) prior restricted to its side:
 *
 *   E_fail = ∫_{θ > θr} θ^Nc (1 - θ)^Ns dπ(θ) / (θr^Nc (1 - θr)^Ns)   fail when >= 1/β
 *   E_pass = ∫_{θ < θr} θ^Nc (1 - θ)^Ns dπ(θ) / (θr^Nc (1 - θr)^Ns)   pass when >= 1/α
 *
 * For a candidate within the tolerance (θ <= θr) every term of E_fail is a supermartingale, so
 * it fails such a candidate (one as good as the stable color included) with probability at most
 * β; symmetrically E_pass passes a candidate worse than the tolerance with probability at most
 * α. With no error events on either side there is nothing to count: both stay at 1, and the
 * absolute tests (rate-limit-sprt.ts) decide.
 */

export interface RateComparisonTest {
  /** ρ: the candidate's share of the requests while both run (0.1 at a 10% weight). */
  readonly candidateShare: number;
  /** r >= 1: the candidate's error rate may be at most r times the stable color's. */
  readonly maxRatio: number;
  /** α: the most often a candidate worse than r times the stable rate may pass. */
  readonly falsePass: number;
  /** β: the most often a candidate within the tolerance (as good as stable, say) may fail. */
  readonly falseFail: number;
  /** c: the Beta prior's weight, in pseudo-events (default 2): small reacts to large effects. */
  readonly priorStrength?: number;
}

export interface ComparisonJudgement {
  readonly verdict: SequentialVerdict;
  readonly candidateErrors: number;
  readonly stableErrors: number;
  /** θr: the candidate's share of the error events at exactly the tolerance. */
  readonly boundaryShare: number;
  /** ln E_fail and ln E_pass. */
  readonly logFailEvidence: number;
  readonly logPassEvidence: number;
  /** ln(1/β) and ln(1/α): the thresholds. */
  readonly failAt: number;
  readonly passAt: number;
}

export function checkRateComparisonTest(test: RateComparisonTest, what = "comparison"): void {
  if (!(test.candidateShare > 0 && test.candidateShare < 1)) {
    throw new RangeError(
      `${what}: candidate share ${test.candidateShare} must be above 0 and below 1 (both colors take traffic)`,
    );
  }
  if (!(test.maxRatio >= 1))
    throw new RangeError(`${what}: maxRatio ${test.maxRatio} must be 1 or more`);
  for (const [name, value] of [
    ["false-pass rate", test.falsePass],
    ["false-fail rate", test.falseFail],
  ] as const) {
    if (!(value > 0 && value < 0.5)) {
      throw new RangeError(`${what}: ${name} ${value} must be above 0 and below 0.5`);
    }
  }
  const strength = test.priorStrength ?? 2;
  if (!(strength > 0)) throw new RangeError(`${what}: priorStrength ${strength} must be above 0`);
}

/** θr = ρr / (ρr + 1 - ρ). */
export function boundaryShare(
  test: Pick<RateComparisonTest, "candidateShare" | "maxRatio">,
): number {
  const weighted = test.candidateShare * test.maxRatio;
  return weighted / (weighted + 1 - test.candidateShare);
}

/** The verdict on the error counts seen so far on both colors. */
export function judgeRateComparison(
  test: RateComparisonTest,
  candidateErrors: number,
  stableErrors: number,
): ComparisonJudgement {
  checkRateComparisonTest(test);
  for (const count of [candidateErrors, stableErrors]) {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`error counts must be whole and not negative, got ${count}`);
    }
  }
  const theta = boundaryShare(test);
  const strength = test.priorStrength ?? 2;
  const a = strength * theta;
  const b = strength * (1 - theta);
  const nc = candidateErrors;
  const ns = stableErrors;
  const logNull = nc * Math.log(theta) + ns * Math.log1p(-theta);
  const posterior = logBetaTails(theta, a + nc, b + ns);
  const prior = logBetaTails(theta, a, b);
  const logMarginal = logBeta(a + nc, b + ns) - logBeta(a, b);
  const logFailEvidence = logMarginal + posterior.upper - prior.upper - logNull;
  const logPassEvidence = logMarginal + posterior.lower - prior.lower - logNull;
  const failAt = -Math.log(test.falseFail);
  const passAt = -Math.log(test.falsePass);
  const verdict: SequentialVerdict =
    logFailEvidence >= failAt ? "fail" : logPassEvidence >= passAt ? "pass" : "continue";
  return {
    verdict,
    candidateErrors: nc,
    stableErrors: ns,
    boundaryShare: theta,
    logFailEvidence,
    logPassEvidence,
    failAt,
    passAt,
  };
}
