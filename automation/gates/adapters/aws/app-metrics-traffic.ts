import { APP_METRICS, metricTrack } from "../../../../infra/contract";
import type {
  ColorTrafficSource,
  TrackTrafficSource,
  TrafficQuery,
} from "../../color-traffic-source";
import type { GateTarget } from "../../gate";
import { type GetMetricData, type MetricQuery, trafficFromResults } from "./cloudwatch-traffic";

/** Longer than any request the ALB lets through (its idle timeout is at most 4000 s), in ms. */
const LONGEST_REQUEST_MS = 4_000_000;

type AppMetricsStats = Extract<GateTarget["outputs"]["trafficStats"], { kind: "app-metrics" }>;

function appMetricsOf(target: GateTarget): AppMetricsStats {
  const stats = target.outputs.trafficStats;
  if (stats.kind !== "app-metrics") throw new Error(`not the app's metrics: ${stats.kind}`);
  return stats;
}

/**
 * GetMetricData queries for one track's own traffic in the app's high-resolution metrics:
 * Requests and Errors5xx (Sum) and LatencyMs (p99), by Outpost and Track, at the period the
 * app publishes. "For high-resolution metrics ... the period can be 1, 5, 10, 20, 30, 60, or
 * any multiple of 60" (MetricStat, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html).
 * With `slowerThanMs`, the trimmed count TC(limit:longest) of LatencyMs: the app publishes its
 * latencies as values and counts (MetricDatum Values/Counts), the raw data percentiles and
 * trimmed counts need. Pure.
 */
export function appMetricQueries(
  stats: AppMetricsStats,
  track: string,
  query: TrafficQuery = {},
): MetricQuery[] {
  const dimensions = [
    { Name: APP_METRICS.outpostDimension, Value: stats.outpost },
    { Name: APP_METRICS.trackDimension, Value: track },
  ];
  const metric = (Id: string, MetricName: string, Stat: string): MetricQuery => ({
    Id,
    MetricStat: {
      Metric: { Namespace: stats.namespace, MetricName, Dimensions: dimensions },
      Period: stats.periodSeconds,
      Stat,
    },
  });
  return [
    metric("requests", APP_METRICS.requests, "Sum"),
    metric("errors", APP_METRICS.errors, "Sum"),
    metric("latency", APP_METRICS.latency, "p99"),
    ...(query.slowerThanMs === undefined
      ? []
      : [metric("slow", APP_METRICS.latency, `TC(${query.slowerThanMs}:${LONGEST_REQUEST_MS})`)]),
  ];
}

/**
 * Per-track traffic from the app's own metrics. A window starts at a period boundary (the
 * period the step began counts whole); a period the app has not flushed yet reads as too small
 * a sample (pending), never as a pass. LatencyMs is in milliseconds already.
 */
export function appMetricsTrafficSource(
  getMetricData: GetMetricData,
  now: () => number,
): TrackTrafficSource {
  return {
    mark: () => Promise.resolve({ at: now() }),
    async since(target, track, mark, signal, query) {
      const stats = appMetricsOf(target);
      const periodMs = stats.periodSeconds * 1000;
      const start = Math.floor(mark.at / periodMs) * periodMs;
      const results = await getMetricData(
        { stack: target.stack, region: target.awsRegion },
        {
          MetricDataQueries: appMetricQueries(stats, track, query),
          StartTime: new Date(start),
          EndTime: new Date(now()),
        },
        signal,
      );
      const traffic = trafficFromResults(results);
      return {
        ...traffic,
        // trafficFromResults reads ALB seconds; the app publishes milliseconds.
        ...(traffic.responseTimeMs === undefined
          ? {}
          : { responseTimeMs: traffic.responseTimeMs / 1000 }),
      };
    },
  };
}

/** An ASG color's figures from the track source: the candidate-traffic gate's view. */
export function colorsFromTracks(tracks: TrackTrafficSource): ColorTrafficSource {
  return {
    mark: (target, color, signal) => tracks.mark(target, metricTrack({ color }), signal),
    since: (target, color, mark, signal, query) =>
      tracks.since(target, metricTrack({ color }), mark, signal, query),
  };
}
