import type { Color } from "../../infra/contract";
import type { ColorTraffic, ColorTrafficSource, TrafficMark } from "./color-traffic";
import type { GateTarget } from "./gate";

/** ALB metrics have one-minute periods (AWS/ApplicationELB publishes every 60 seconds). */
const PERIOD_SECONDS = 60;

export interface MetricQuery {
  readonly Id: string;
  readonly MetricStat: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: { readonly Name: string; readonly Value: string }[];
    };
    readonly Period: number;
    readonly Stat: string;
  };
}

/**
 * GetMetricData queries for one color's own traffic: `RequestCount` and
 * `HTTPCode_Target_5XX_Count` (Sum) and `TargetResponseTime` (p99), by the color's target
 * group and the ALB (the dimensions AWS documents for per-target-group ALB metrics). Pure.
 */
export function colorMetricQueries(target: GateTarget, color: Color): MetricQuery[] {
  const stats = target.outputs.trafficStats;
  if (stats.kind !== "cloudwatch") throw new Error(`not CloudWatch statistics: ${stats.kind}`);
  const dimensions = [
    { Name: "TargetGroup", Value: stats.targetGroups[color] },
    { Name: "LoadBalancer", Value: stats.loadBalancer },
  ];
  const query = (Id: string, MetricName: string, Stat: string): MetricQuery => ({
    Id,
    MetricStat: {
      Metric: { Namespace: "AWS/ApplicationELB", MetricName, Dimensions: dimensions },
      Period: PERIOD_SECONDS,
      Stat,
    },
  });
  return [
    query("requests", "RequestCount", "Sum"),
    query("errors", "HTTPCode_Target_5XX_Count", "Sum"),
    query("latency", "TargetResponseTime", "p99"),
  ];
}

export interface MetricResult {
  readonly Id?: string;
  readonly Values?: number[];
}

/**
 * Sums of the window's periods; the window's p99 is taken as the worst period's p99 (an upper
 * bound of the true one). TargetResponseTime is in seconds. Pure.
 */
export function trafficFromResults(results: readonly MetricResult[]): ColorTraffic {
  const values = (id: string) => results.find((r) => r.Id === id)?.Values ?? [];
  const sum = (id: string) => values(id).reduce((total, value) => total + value, 0);
  const latency = values("latency");
  return {
    requests: sum("requests"),
    errors: sum("errors"),
    responseTimeMs: latency.length > 0 ? Math.max(...latency) * 1000 : undefined,
    responseTimeStat: "p99",
  };
}

/** The one call the source needs from the SDK, so tests can stand in for CloudWatch. */
export type GetMetricData = (
  region: string | undefined,
  input: { MetricDataQueries: MetricQuery[]; StartTime: Date; EndTime: Date },
  signal: AbortSignal,
) => Promise<readonly MetricResult[]>;

/**
 * Per-color traffic from CloudWatch. A window starts at a minute boundary (metrics are
 * per minute, so the minute the step began counts whole); ALB metrics arrive about a minute
 * late, which the gate sees as too small a sample (pending), never as a pass.
 */
export function cloudWatchTrafficSource(
  getMetricData: GetMetricData,
  now: () => number,
): ColorTrafficSource {
  return {
    mark: () => Promise.resolve({ at: now() }),
    async since(target, color, mark: TrafficMark, signal) {
      const start = Math.floor(mark.at / (PERIOD_SECONDS * 1000)) * PERIOD_SECONDS * 1000;
      const results = await getMetricData(
        target.awsRegion,
        {
          MetricDataQueries: colorMetricQueries(target, color),
          StartTime: new Date(start),
          EndTime: new Date(now()),
        },
        signal,
      );
      return trafficFromResults(results);
    },
  };
}

/** The AWS SDK v3 adapter, loaded only when an AWS gate runs. */
export function awsGetMetricData(): GetMetricData {
  const clients = new Map<string, import("@aws-sdk/client-cloudwatch").CloudWatchClient>();
  return async (region, input, signal) => {
    const sdk = await import("@aws-sdk/client-cloudwatch");
    const key = region ?? "default";
    let client = clients.get(key);
    if (!client) {
      client = new sdk.CloudWatchClient(region ? { region } : {});
      clients.set(key, client);
    }
    const results: MetricResult[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new sdk.GetMetricDataCommand({
          ...input,
          MetricDataQueries: input.MetricDataQueries.map((q) => ({
            ...q,
            MetricStat: {
              ...q.MetricStat,
              Metric: { ...q.MetricStat.Metric, Dimensions: [...q.MetricStat.Metric.Dimensions] },
            },
          })),
          NextToken: token,
        }),
        { abortSignal: signal },
      );
      for (const result of page.MetricDataResults ?? []) {
        const existing = results.find((r) => r.Id === result.Id);
        if (existing) existing.Values?.push(...(result.Values ?? []));
        else results.push({ Id: result.Id, Values: [...(result.Values ?? [])] });
      }
      token = page.NextToken;
    } while (token);
    return results;
  };
}
