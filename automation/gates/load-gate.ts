import type { LoadLimits } from "../settings/staging-test-settings";
import { judgeLoadSoFar, type LoadEvidenceRule } from "./evidence/load-test-evidence";
import {
  error,
  fail,
  type Figure,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
} from "./gate";
import { baseUrl } from "./http-probe-gate";
import { type LoadFigures, runLoad } from "./load-run";

export type { LoadFigures } from "./load-run";

export interface LoadSettings {
  readonly path: string;
  readonly aws: LoadLimits;
  readonly local: LoadLimits;
}

/** The error rates the early stop allows (driver.yaml: 1 - analysis.confidence, 1 - power). */
export interface LoadStopErrors {
  readonly falsePass: number;
  readonly falseFail: number;
}

/** The early stop's error rates from the driver's analysis settings. */
export function loadStopErrorsOf(analysis: {
  readonly confidence: number;
  readonly evidence: { readonly power: number };
}): LoadStopErrors {
  return { falsePass: 1 - analysis.confidence, falseFail: 1 - analysis.evidence.power };
}

/**
 * The staging load test: autocannon in this process, `connections` keep-alive connections on
 * the production endpoint, opened over `rampSeconds`, for `durationSeconds` in all, judged on
 * p95, error rate and throughput at full load. With `earlyStopAfterSeconds` it ends sooner when
 * the sequential rule of evidence/load-test-evidence.ts has decided (docs/driver.md, "Staging
 * test gates"); otherwise, and when the rule has not decided, it runs to its duration.
 */
export class LoadGate implements Gate {
  readonly name = "load";

  constructor(
    private readonly settings: LoadSettings,
    private readonly stopErrors: LoadStopErrors,
  ) {}

  limitsFor(target: GateTarget): LoadLimits {
    return target.target === "aws" ? this.settings.aws : this.settings.local;
  }

  /** How long a measurement may take at most: the runner adds its margin to this. */
  expectedSeconds(target: GateTarget): number {
    return this.limitsFor(target).durationSeconds;
  }

  /** The early stop's rule on these limits, or undefined when the test always runs its time. */
  earlyStopRule(limits: LoadLimits): LoadEvidenceRule | undefined {
    if (limits.earlyStopAfterSeconds === false) return undefined;
    return {
      maxErrorRate: limits.maxErrorRate,
      maxP95Ms: limits.maxP95Ms,
      minRequestsPerSecond: limits.minRequestsPerSecond,
      floorSeconds: limits.earlyStopAfterSeconds,
      ...this.stopErrors,
    };
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const limits = this.limitsFor(target);
    const url = `${baseUrl(target.outputs.endpoint)}${this.settings.path}`;
    const rule = this.earlyStopRule(limits);
    const seen = await runLoad(url, limits, signal, {
      serverName: target.outputs.serviceDomain ?? undefined,
      judge: rule && ((counts) => judgeLoadSoFar(rule, counts)),
    });
    return judgeLoad(seen, limits, url);
  }
}

/** The verdict on one run: the early stop's if it decided, else the figures against the limits. */
export function judgeLoad(seen: LoadFigures, limits: LoadLimits, url: string): Measurement {
  const figures = loadFigures(seen, limits);
  const ramp = limits.rampSeconds > 0 ? `, ramped over ${limits.rampSeconds}s` : "";
  const ran =
    seen.early === undefined
      ? `for ${limits.durationSeconds}s`
      : `for ${Math.round(seen.seconds)}s of ${limits.durationSeconds}s (stopped early: ${seen.early.detail})`;
  const summary = `${limits.connections} connections${ramp} ${ran} on ${url}: ${seen.attempts} requests`;
  if (seen.attempts === 0) return error(`${summary}, none answered`);
  if (seen.early?.verdict === "fail") {
    return fail(`the sequential rule showed a limit broken (${summary})`, figures);
  }
  const broken = brokenLimits(seen, limits);
  if (broken.length > 0) return fail(`${broken.join("; ")} (${summary})`, figures);
  return pass(summary, figures);
}

/** Each limit the figures break, worded as `p95 812 ms > 500 ms`. */
export function brokenLimits(seen: LoadFigures, limits: LoadLimits): string[] {
  const broken: string[] = [];
  if (seen.p95Ms > limits.maxP95Ms) {
    broken.push(`p95 ${round1(seen.p95Ms)} ms > ${limits.maxP95Ms} ms`);
  }
  if (seen.errorRate > limits.maxErrorRate) {
    broken.push(`errors ${percent(seen.errorRate)}% > ${percent(limits.maxErrorRate)}%`);
  }
  if (seen.requestsPerSecond < limits.minRequestsPerSecond) {
    broken.push(
      `${Math.round(seen.requestsPerSecond)} req/s < ${limits.minRequestsPerSecond} req/s`,
    );
  }
  return broken;
}

export function loadFigures(seen: LoadFigures, limits: LoadLimits): Figure[] {
  return [
    { name: "p50", value: round1(seen.p50Ms), unit: "ms" },
    {
      name: "p95",
      value: round1(seen.p95Ms),
      unit: "ms",
      threshold: limits.maxP95Ms,
      limit: "max",
    },
    { name: "p99", value: round1(seen.p99Ms), unit: "ms" },
    {
      name: "errors",
      value: Number(percent(seen.errorRate)),
      unit: "%",
      threshold: limits.maxErrorRate * 100,
      limit: "max",
    },
    {
      name: "throughput",
      value: Math.round(seen.requestsPerSecond),
      unit: "req/s",
      threshold: limits.minRequestsPerSecond,
      limit: "min",
    },
  ];
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const percent = (fraction: number) => (fraction * 100).toFixed(2);
