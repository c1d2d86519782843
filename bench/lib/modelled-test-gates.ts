import type { ScanFindingsReader } from "../../automation/gates/ecr-scan-gate";
import type { GateTarget, Measurement } from "../../automation/gates/gate";
import { fail, pass } from "../../automation/gates/gate";
import {
  brokenLimits,
  type LoadFigures,
  LoadGate,
  loadFigures,
  type LoadSettings,
} from "../../automation/gates/load-gate";
import type { Clock } from "../../automation/support/clock";
import type { StepTimes } from "./aws-step-times";
import type { OutpostWorld } from "./outpost-world";

/** The release image's scan, finished and clean (what scan on push leaves for a good build). */
export const cleanScan: ScanFindingsReader = {
  page: () => Promise.resolve({ status: "COMPLETE", severityCounts: {}, enhancedSeverities: [] }),
};

/**
 * The staging load test on the virtual clock: the real gate's limits, duration and judgement
 * (LoadGate: limitsFor, expectedSeconds, brokenLimits, loadFigures), with autocannon's run
 * replaced by the modelled one: it lasts `durationSeconds` (driver.yaml, stagingTests.load.aws:
 * 600 s) and sees the app's measured response times and throughput (aws-step-times.ts) and the
 * release's error rate.
 */
export class ModelledLoadGate extends LoadGate {
  constructor(
    settings: LoadSettings,
    private readonly clock: Clock,
    private readonly world: OutpostWorld,
    private readonly times: StepTimes,
  ) {
    super(settings);
  }

  override async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const limits = this.limitsFor(target);
    await this.clock.sleep(limits.durationSeconds * 1000, signal);
    const seen: LoadFigures = {
      p50Ms: this.times.appLatencyMs.p50,
      p95Ms: this.times.appLatencyMs.p95,
      p99Ms: this.times.appLatencyMs.p99,
      errorRate: this.world.errorRate(target.release),
      requestsPerSecond: this.times.appThroughput,
      attempts: Math.round(this.times.appThroughput * limits.durationSeconds),
    };
    const figures = loadFigures(seen, limits);
    const summary = `${limits.connections} connections for ${limits.durationSeconds}s (modelled)`;
    const broken = brokenLimits(seen, limits);
    return broken.length > 0
      ? fail(`${broken.join("; ")} (${summary})`, figures)
      : pass(summary, figures);
  }
}
