import { type Color, otherColor } from "../../infra/contract";
import type { AnalysisSettings } from "../settings/driver-settings";
import type { ColorTraffic, ColorTrafficSource, TrafficMark } from "./color-traffic-source";
import { analysisEvidence } from "./evidence/analysis-evidence";
import { fewestRequestsForEvidence } from "./evidence/evidence-settings";
import { type EvidenceCounts, SequentialEvidence } from "./evidence/sequential-evidence";
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

/** One step's window on one Outpost: where it began, and the sequential test fed since. */
interface EvidenceWindow {
  readonly candidate: TrafficMark;
  /** The stable color's start, while both colors take traffic. */
  readonly stable?: TrafficMark;
  /** Created at the first reading: whether latency is counted depends on the source. */
  evidence?: SequentialEvidence;
  /** The source counts slow requests: latency is a sequential test too. */
  latencyCounted?: boolean;
}

/**
 * Judges the candidate by its own production traffic, not by a blend diluted by the stable
 * color: its requests, 5xx answers and (where the source counts them) requests slower than
 * `maxP99Ms` since the step began, read from the balancer per color (CloudWatch by target
 * group on AWS, HAProxy per server locally), fed after every measurement to the anytime-valid
 * sequential test of evidence/sequential-evidence.ts. While both colors take traffic it also
 * compares the candidate's errors with the stable color's. It passes once the evidence shows,
 * at `confidence` and `evidence.power`, that the candidate is within the limits (never on fewer
 * requests than the minimum sample), fails as soon as it shows the opposite (both conclusive),
 * and is pending in between, saying how many requests it has and how many a pass needs.
 * A source without slow counts (HAProxy's moving mean) holds its response-time figure to
 * `maxP99Ms` instead, once the error evidence has passed.
 */
export class CandidateTrafficGate implements Gate {
  readonly name = "candidate-traffic";
  private readonly windows = new Map<string, EvidenceWindow>();

  constructor(
    private readonly sources: TrafficSources,
    private readonly settings: AnalysisSettings,
  ) {}

  async begin(target: GateTarget, signal: AbortSignal): Promise<void> {
    if (!takesTraffic(target)) return;
    this.windows.set(keyOf(target), await this.open(target, signal));
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const color: Color = target.candidateColor;
    if (!takesTraffic(target)) return pass(`${color} takes no production traffic yet`);
    const source = this.source(target);
    const key = keyOf(target);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = await this.open(target, signal);
      this.windows.set(key, window);
    }
    const query = { slowerThanMs: this.settings.maxP99Ms };
    const [traffic, stable] = await Promise.all([
      source.since(target, color, window.candidate, signal, query),
      window.stable === undefined
        ? Promise.resolve(undefined)
        : source.since(target, otherColor(color), window.stable, signal),
    ]);
    if (window.evidence === undefined) {
      window.latencyCounted = traffic.slow !== undefined;
      const share = sharedWeight(target);
      window.evidence = new SequentialEvidence(
        analysisEvidence(this.settings, { latency: window.latencyCounted }),
        share === undefined ? {} : { candidateShare: share },
      );
    }
    const counts: EvidenceCounts = {
      requests: whole(traffic.requests),
      errors: Math.min(whole(traffic.errors), whole(traffic.requests)),
      ...(window.latencyCounted
        ? { slow: Math.min(whole(traffic.slow ?? 0), whole(traffic.requests)) }
        : {}),
      ...(stable
        ? { stable: { requests: whole(stable.requests), errors: whole(stable.errors) } }
        : {}),
    };
    const decision = window.evidence.observe(counts);
    const figures: Figure[] = [
      ...decision.figures,
      ...responseTimeFigure(traffic, color, this.settings),
    ];
    const needed = fewestRequestsForEvidence(
      analysisEvidence(this.settings, { latency: window.latencyCounted === true }),
    );
    const detail = `${color} (own traffic): ${decision.detail}`;
    if (decision.verdict === "fail") return { ...fail(detail, figures), conclusive: true };
    if (decision.verdict === "continue") {
      return pending(
        `${detail}; ${counts.requests} of the candidate's requests, a pass needs at least ${needed}`,
        figures,
      );
    }
    if (!window.latencyCounted && (traffic.responseTimeMs ?? 0) > this.settings.maxP99Ms) {
      const stat = traffic.responseTimeStat ?? "p99";
      return fail(
        `${detail}; ${stat} ${Math.round(traffic.responseTimeMs ?? 0)}ms > ${this.settings.maxP99Ms}ms`,
        figures,
      );
    }
    return { ...pass(detail, figures), conclusive: true };
  }

  private async open(target: GateTarget, signal: AbortSignal): Promise<EvidenceWindow> {
    const source = this.source(target);
    const color = target.candidateColor;
    const both = sharedWeight(target) !== undefined;
    const [candidate, stable] = await Promise.all([
      source.mark(target, color, signal),
      both ? source.mark(target, otherColor(color), signal) : Promise.resolve(undefined),
    ]);
    return stable === undefined ? { candidate } : { candidate, stable };
  }

  private source(target: GateTarget): ColorTrafficSource {
    const kind = target.outputs.trafficStats.kind;
    const source = this.sources[kind];
    if (source === undefined) throw new Error(`no reader for ${kind} traffic statistics`);
    return source;
  }
}

/** The response-time figure a source reports, for the journal (judged only without counts). */
function responseTimeFigure(
  traffic: ColorTraffic,
  color: Color,
  settings: AnalysisSettings,
): Figure[] {
  if (traffic.responseTimeMs === undefined) return [];
  return [
    {
      name: `${color} ${traffic.responseTimeStat ?? "p99"} response time`,
      value: Math.round(traffic.responseTimeMs),
      unit: "ms",
      threshold: settings.maxP99Ms,
      limit: "max",
    },
  ];
}

/** The candidate takes production traffic: a share of it during a shift, all of it after the flip. */
function takesTraffic(target: GateTarget): boolean {
  const { activeColor, candidateWeight } = target.outputs;
  return candidateWeight > 0 || activeColor === target.candidateColor;
}

/** The candidate's share while both colors take traffic (a shift below 100%), else undefined. */
function sharedWeight(target: GateTarget): number | undefined {
  const { activeColor, candidateWeight } = target.outputs;
  if (activeColor === target.candidateColor) return undefined;
  return candidateWeight > 0 && candidateWeight < 100 ? candidateWeight / 100 : undefined;
}

/** CloudWatch sums are whole in practice; a counter reset never makes them negative. */
function whole(value: number): number {
  return Math.max(0, Math.round(value));
}

function keyOf(target: GateTarget): string {
  const { activeColor, candidateWeight } = target.outputs;
  return `${target.stack}/${target.outpost}:${target.phase}:${activeColor}:${candidateWeight}`;
}
