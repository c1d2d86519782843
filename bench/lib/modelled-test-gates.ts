import type { ScanFindingsReader } from "../../automation/gates/ecr-scan-gate";
import type { GateTarget, Measurement } from "../../automation/gates/gate";
import { judgeLoadSoFar } from "../../automation/gates/evidence/load-test-evidence";
import {
  judgeLoad,
  type LoadFigures,
  LoadGate,
  type LoadSettings,
  type LoadStopErrors,
} from "../../automation/gates/load-gate";
import type { Clock } from "../../automation/support/clock";
import type { StepTimes } from "./aws-step-times";
import type { OutpostWorld } from "./outpost-world";

/** The release image's scan, finished and clean (what scan on push leaves for a good build). */
export const cleanScan: ScanFindingsReader = {
  page: () => Promise.resolve({ status: "COMPLETE", severityCounts: {}, enhancedSeverities: [] }),
};

/**
 * The staging load test on the virtual clock: the real gate's limits, ramp, early stop and
 * judgement (LoadGate: limitsFor, earlyStopRule; judgeLoadSoFar; judgeLoad), with autocannon's
 * run replaced by the modelled one: connections open over `rampSeconds`, then full load at the
 * app's measured throughput (aws-step-times.ts) and the release's error rate; the rule looks
 * every second at full load, as runLoad does, and the test lasts until it decides or for
 * `durationSeconds` (driver.yaml, stagingTests.load.aws: 600 s, ramp 120 s, stop after 120 s).
 * Answers slower than maxP95Ms are counted at the bound of the app's measured percentiles: 1%
 * when its p99 is within the limit, 5% when only its p95 is, else 10%.
 */
export class ModelledLoadGate extends LoadGate {
  constructor(
    settings: LoadSettings,
    stopErrors: LoadStopErrors,
    private readonly clock: Clock,
    private readonly world: OutpostWorld,
    private readonly times: StepTimes,
  ) {
    super(settings, stopErrors);
  }

  override async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const limits = this.limitsFor(target);
    const rule = this.earlyStopRule(limits);
    const { p95, p99 } = this.times.appLatencyMs;
    const slowShare = p99 <= limits.maxP95Ms ? 0.01 : p95 <= limits.maxP95Ms ? 0.05 : 0.1;
    const errorRate = this.world.errorRate(target.release);
    const rps = this.times.appThroughput;
    const countsAt = (fullSeconds: number) => {
      const answers = Math.round(rps * fullSeconds);
      const failures = Math.round(answers * errorRate);
      return {
        seconds: fullSeconds,
        attempts: answers,
        failures,
        answers,
        slow: Math.round(answers * slowShare),
      };
    };
    let seconds = limits.durationSeconds;
    let early: LoadFigures["early"];
    for (let full = 1; rule && limits.rampSeconds + full <= limits.durationSeconds; full++) {
      const said = judgeLoadSoFar(rule, countsAt(full));
      if (said.verdict === "continue") continue;
      seconds = limits.rampSeconds + full;
      early = { verdict: said.verdict, detail: said.detail };
      break;
    }
    await this.clock.sleep(seconds * 1000, signal);
    // The ramp's answers at half the full rate on average.
    const attempts = Math.round(rps * (seconds - limits.rampSeconds / 2));
    const seen: LoadFigures = {
      p50Ms: this.times.appLatencyMs.p50,
      p95Ms: p95,
      p99Ms: p99,
      errorRate,
      requestsPerSecond: rps,
      attempts,
      seconds,
      ...(early === undefined ? {} : { early }),
    };
    return judgeLoad(seen, limits, "(modelled)");
  }
}
