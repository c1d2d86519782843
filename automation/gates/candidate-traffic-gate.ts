import type { Color } from "../../infra/contract";
import type { AnalysisSettings } from "../settings/driver-settings";
import type { ColorTrafficSource, TrafficMark } from "./color-traffic-source";
import { judgeErrorRate } from "./error-rate";
import {
  type Figure,
  fail,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
  pending,
} from "./gate";

/** The sources of per-color figures, by the kind the outputs' `trafficStats` names. */
export type TrafficSources = Readonly<
  Partial<Record<GateTarget["outputs"]["trafficStats"]["kind"], ColorTrafficSource>>
>;

/**
 * Judges the candidate by its own production traffic, not by a blend diluted by the stable
 * color: its requests and 5xx answers since the step began, read from the balancer per color
 * (CloudWatch by target group on AWS, HAProxy per server locally). The error rate is decided
 * with the minimum-sample rule of error-rate.ts, so a check that saw too few of the
 * candidate's requests never passes, and a clearly bad candidate fails within seconds even at
 * a 10% weight. The response time is held to `maxP99Ms` once the sample is large enough.
 */
export class CandidateTrafficGate implements Gate {
  readonly name = "candidate-traffic";
  private readonly marks = new Map<string, TrafficMark>();

  constructor(
    private readonly sources: TrafficSources,
    private readonly settings: AnalysisSettings,
  ) {}

  async begin(target: GateTarget, signal: AbortSignal): Promise<void> {
    if (!takesTraffic(target)) return;
    const mark = await this.source(target).mark(target, target.candidateColor, signal);
    this.marks.set(keyOf(target), mark);
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const color: Color = target.candidateColor;
    if (!takesTraffic(target)) return pass(`${color} takes no production traffic yet`);
    const source = this.source(target);
    const key = keyOf(target);
    let mark = this.marks.get(key);
    if (mark === undefined) {
      mark = await source.mark(target, color, signal);
      this.marks.set(key, mark);
    }
    const traffic = await source.since(target, color, mark, signal);
    const judged = judgeErrorRate(
      traffic.errors,
      traffic.requests,
      this.settings.maxErrorRate,
      this.settings.confidence,
    );
    const figures: Figure[] = [
      {
        name: `${color} requests`,
        value: traffic.requests,
        unit: "requests",
        threshold: judged.minimum,
        limit: "min",
      },
      {
        name: `${color} error rate`,
        value: judged.rate * 100,
        unit: "%",
        threshold: this.settings.maxErrorRate * 100,
        limit: "max",
      },
    ];
    let latency = "";
    if (traffic.responseTimeMs !== undefined) {
      const stat = traffic.responseTimeStat ?? "p99";
      figures.push({
        name: `${color} ${stat} response time`,
        value: Math.round(traffic.responseTimeMs),
        unit: "ms",
        threshold: this.settings.maxP99Ms,
        limit: "max",
      });
      latency = `, ${stat} ${Math.round(traffic.responseTimeMs)}ms`;
    }
    const detail = `${color} (own traffic): ${judged.detail}${latency}`;
    if (judged.verdict === "fail") return fail(detail, figures);
    if (judged.verdict === "pending") return pending(detail);
    if ((traffic.responseTimeMs ?? 0) > this.settings.maxP99Ms) {
      return fail(`${detail} > ${this.settings.maxP99Ms}ms`, figures);
    }
    return pass(detail, figures);
  }

  private source(target: GateTarget): ColorTrafficSource {
    const kind = target.outputs.trafficStats.kind;
    const source = this.sources[kind];
    if (source === undefined) throw new Error(`no reader for ${kind} traffic statistics`);
    return source;
  }
}

/** The candidate takes production traffic: a share of it during a shift, all of it after the flip. */
function takesTraffic(target: GateTarget): boolean {
  const { activeColor, candidateWeight } = target.outputs;
  return candidateWeight > 0 || activeColor === target.candidateColor;
}

function keyOf(target: GateTarget): string {
  const { activeColor, candidateWeight } = target.outputs;
  return `${target.stack}/${target.outpost}:${target.phase}:${activeColor}:${candidateWeight}`;
}
