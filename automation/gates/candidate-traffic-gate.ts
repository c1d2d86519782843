import { type Color, metricTrack, otherColor } from "../../infra/contract";
import type { AnalysisSettings } from "../settings/driver-settings";
import type {
  ColorTraffic,
  ColorTrafficSource,
  TrackTrafficSource,
  TrafficMark,
  TrafficQuery,
} from "./color-traffic-source";
import { canaryJudgedByOwnTraffic } from "./canary-evidence";
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

/** One side of the comparison (the candidate, or the stable color), read by its own source. */
interface TrafficReader {
  readonly label: string;
  mark(signal: AbortSignal): Promise<TrafficMark>;
  since(mark: TrafficMark, signal: AbortSignal, query?: TrafficQuery): Promise<ColorTraffic>;
}

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
 * `maxP99Ms` instead, once the error evidence has passed. During the EKS canary (phase
 * `canary`, where canaryJudgedByOwnTraffic, read by the `canary` source) it judges the Rollout's pods of
 * the release the same way, by their `Track` (the Rollout's weight is Argo's, so there is no
 * comparison with the stable pods' share).
 */
export class CandidateTrafficGate implements Gate {
  readonly name = "candidate-traffic";
  private readonly windows = new Map<string, EvidenceWindow>();

  constructor(
    private readonly sources: TrafficSources,
    private readonly settings: AnalysisSettings,
    private readonly canary?: TrackTrafficSource,
  ) {}

  async begin(target: GateTarget, signal: AbortSignal): Promise<void> {
    if (target.phase === "canary" ? !canaryJudgedByOwnTraffic(target) : !takesTraffic(target))
      return;
    this.windows.set(keyOf(target), await this.open(target, signal));
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    if (target.phase === "canary" && !canaryJudgedByOwnTraffic(target))
      return pass("the EKS canary is judged by the probe on its Ingress");
    if (target.phase !== "canary" && !takesTraffic(target))
      return pass(`${target.candidateColor} takes no production traffic yet`);
    const { candidate, stable: stableReader } = this.readers(target);
    const key = keyOf(target);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = await this.open(target, signal);
      this.windows.set(key, window);
    }
    const query = { slowerThanMs: this.settings.maxP99Ms };
    const [traffic, stable] = await Promise.all([
      candidate.since(window.candidate, signal, query),
      window.stable === undefined || stableReader === undefined
        ? Promise.resolve(undefined)
        : stableReader.since(window.stable, signal),
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
      ...responseTimeFigure(traffic, candidate.label, this.settings),
    ];
    const needed = fewestRequestsForEvidence(
      analysisEvidence(this.settings, { latency: window.latencyCounted === true }),
    );
    const detail = `${candidate.label} (own traffic): ${decision.detail}`;
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
    const readers = this.readers(target);
    const [candidate, stable] = await Promise.all([
      readers.candidate.mark(signal),
      readers.stable?.mark(signal),
    ]);
    return stable === undefined ? { candidate } : { candidate, stable };
  }

  /** The candidate's reader, and the stable color's while both colors take a share. */
  private readers(target: GateTarget): { candidate: TrafficReader; stable?: TrafficReader } {
    if (canaryJudgedByOwnTraffic(target)) {
      const tracks = this.canary;
      if (tracks === undefined)
        throw new Error("no reader for the app's metrics of the EKS canary");
      const track = metricTrack({ eksVersion: target.release });
      return {
        candidate: {
          label: `EKS canary ${target.release}`,
          mark: (signal) => tracks.mark(target, track, signal),
          since: (mark, signal, query) => tracks.since(target, track, mark, signal, query),
        },
      };
    }
    const source = this.source(target);
    const reader = (color: Color): TrafficReader => ({
      label: color,
      mark: (signal) => source.mark(target, color, signal),
      since: (mark, signal, query) => source.since(target, color, mark, signal, query),
    });
    const color = target.candidateColor;
    return sharedWeight(target) === undefined
      ? { candidate: reader(color) }
      : { candidate: reader(color), stable: reader(otherColor(color)) };
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
  label: string,
  settings: AnalysisSettings,
): Figure[] {
  if (traffic.responseTimeMs === undefined) return [];
  return [
    {
      name: `${label} ${traffic.responseTimeStat ?? "p99"} response time`,
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
