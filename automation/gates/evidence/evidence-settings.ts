import { invalidValue, UserError } from "../../support/user-error";
import { type LatencyLimit, slowRateLimit } from "./latency-counts";
import type { RateComparisonTest } from "./rate-comparison";
import { checkRateLimitTest, fewestRequestsToPass, type RateLimitTest } from "./rate-limit-sprt";

/**
 * What an evidence-based gate holds a candidate to, and whether its traffic can ever show it.
 * Pure: the settings loader calls `evidenceProblem` and refuses what can never pass.
 */
export interface EvidenceSettings {
  /** 1 - α: a candidate at or above a limit passes with probability at most α. */
  readonly confidence: number;
  /** 1 - β: a candidate at the acceptable rates fails with probability at most β (per test). */
  readonly power: number;
  readonly maxErrorRate: number;
  /** The error rate a candidate should pass at; default half the limit. */
  readonly acceptableErrorRate?: number;
  /** "p99 <= 500 ms" as { thresholdMs: 500, quantile: 0.99 }; absent: no latency test. */
  readonly latency?: LatencyLimit & {
    /** The slow share a candidate should pass at; default half of 1 - quantile. */
    readonly acceptableSlowShare?: number;
  };
  /** The candidate against the stable color where both take traffic; absent: not compared. */
  readonly comparison?: Pick<RateComparisonTest, "maxRatio" | "priorStrength">;
}

export interface EvidenceTests {
  readonly errorRate: RateLimitTest;
  readonly latency?: RateLimitTest;
}

/** The rate tests the settings ask for (errors, and slow requests when a latency limit is set). */
export function evidenceTests(settings: EvidenceSettings): EvidenceTests {
  const falsePass = 1 - settings.confidence;
  const falseFail = 1 - settings.power;
  const errorRate: RateLimitTest = {
    limit: settings.maxErrorRate,
    acceptable: settings.acceptableErrorRate ?? settings.maxErrorRate / 2,
    falsePass,
    falseFail,
  };
  checkRateLimitTest(errorRate, "error rate");
  if (settings.latency === undefined) return { errorRate };
  const limit = slowRateLimit(settings.latency);
  const latency: RateLimitTest = {
    limit,
    acceptable: settings.latency.acceptableSlowShare ?? limit / 2,
    falsePass,
    falseFail,
  };
  checkRateLimitTest(latency, `latency p${settings.latency.quantile * 100}`);
  return { errorRate, latency };
}

/** The fewest of the candidate's requests any pass needs (zero errors, zero slow, the floor). */
export function fewestRequestsForEvidence(settings: EvidenceSettings): number {
  const tests = evidenceTests(settings);
  return Math.max(
    fewestRequestsToPass(tests.errorRate),
    tests.latency ? fewestRequestsToPass(tests.latency) : 0,
  );
}

/** The traffic a gate will see: the Outpost's request rate, the candidate's share, the timeout. */
export interface EvidenceTraffic {
  readonly requestsPerSecond: number;
  /** 0.1 at a 10% weight, 1 after the flip. */
  readonly candidateShare: number;
  readonly timeoutSeconds: number;
}

/**
 * Why these settings can never pass with this traffic, naming the keys and the numbers, or
 * undefined when they can. `prefix` names where the keys live ("analysis").
 */
export function evidenceProblem(
  settings: EvidenceSettings,
  traffic: EvidenceTraffic,
  prefix = "analysis",
): string | undefined {
  if (!(settings.maxErrorRate > 0)) {
    return `${prefix}.maxErrorRate = ${settings.maxErrorRate}: no sample can show a rate under 0; it must be above 0 for an evidence-based gate`;
  }
  let needed: number;
  try {
    needed = fewestRequestsForEvidence(settings);
  } catch (err) {
    return `${prefix}: ${(err as Error).message}`;
  }
  const seen = traffic.requestsPerSecond * traffic.candidateShare * traffic.timeoutSeconds;
  if (seen >= needed) return undefined;
  const share = `${+(traffic.candidateShare * 100).toFixed(2)}%`;
  return (
    `${prefix}.maxErrorRate = ${settings.maxErrorRate} at confidence ${settings.confidence} and power ` +
    `${settings.power}${settings.latency ? ` with p${settings.latency.quantile * 100} <= ${settings.latency.thresholdMs} ms` : ""} ` +
    `needs at least ${needed} of the candidate's requests to pass, but ${traffic.requestsPerSecond} req/s ` +
    `at a ${share} share for ${traffic.timeoutSeconds} s gives ${Math.floor(seen)}: the gate could never pass. ` +
    `Allowed: a timeout of at least ${Math.ceil(needed / (traffic.requestsPerSecond * traffic.candidateShare))} s ` +
    `at this traffic, a larger weight, or a looser limit`
  );
}

/** The same check, as the loader's refusal (exit 2, no stack trace). */
export function assertEvidenceReachable(
  settings: EvidenceSettings,
  traffic: EvidenceTraffic,
  prefix = "analysis",
): void {
  const problem = evidenceProblem(settings, traffic, prefix);
  if (problem !== undefined) throw new UserError(problem);
}

/** confidence and power as the settings file states them: above 0.5 and below 1. */
export function checkEvidenceLevels(settings: EvidenceSettings, prefix = "analysis"): void {
  for (const key of ["confidence", "power"] as const) {
    const value = settings[key];
    if (!(value > 0.5 && value < 1)) {
      throw invalidValue(`${prefix}.${key}`, value, "must be above 0.5 and below 1");
    }
  }
}
