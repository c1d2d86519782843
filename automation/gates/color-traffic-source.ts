import type { Color } from "../../infra/contract";
import type { GateTarget } from "./gate";

/** One color's own traffic over a window, as its load balancer counts it. */
export interface ColorTraffic {
  readonly requests: number;
  /** Answers with a 5xx status from the color's targets. */
  readonly errors: number;
  /** A response-time figure, when the source has one, and which statistic it is. */
  readonly responseTimeMs?: number;
  readonly responseTimeStat?: "p99" | "average";
  /** Requests slower than `slowerThanMs` (when asked for it and the source can count them). */
  readonly slow?: number;
}

/** What a window's reading should count besides requests and errors. */
export interface TrafficQuery {
  /** Count the requests slower than this (a latency limit as count data, latency-counts.ts). */
  readonly slowerThanMs?: number;
}

/**
 * Where a window starts: a time, and for sources whose counters only count up, the reading
 * then (what the source subtracts later; opaque to the gate).
 */
export interface TrafficMark {
  readonly at: number;
  readonly reading?: unknown;
}

/**
 * Per-color traffic figures from the balancer itself (TrafficStatsSource in the contract):
 * CloudWatch target-group metrics on AWS, HAProxy's per-server statistics locally.
 */
export interface ColorTrafficSource {
  /** Starts a window for one color. */
  mark(target: GateTarget, color: Color, signal: AbortSignal): Promise<TrafficMark>;
  /** The color's traffic since `mark`. */
  since(
    target: GateTarget,
    color: Color,
    mark: TrafficMark,
    signal: AbortSignal,
    query?: TrafficQuery,
  ): Promise<ColorTraffic>;
}

/**
 * The same figures by the app's own `Track` (APP_METRICS in the contract): an ASG color, or
 * the Rollout's pods of one version. The EKS canary is judged this way.
 */
export interface TrackTrafficSource {
  mark(target: GateTarget, track: string, signal: AbortSignal): Promise<TrafficMark>;
  since(
    target: GateTarget,
    track: string,
    mark: TrafficMark,
    signal: AbortSignal,
    query?: TrafficQuery,
  ): Promise<ColorTraffic>;
}
