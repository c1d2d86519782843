import type { Color } from "../../../../infra/contract";
import { type AwsClientConfig, type AwsReadScope, gateClients } from "./aws-gate-clients";
import type {
  ColorTraffic,
  ColorTrafficSource,
  TrafficMark,
  TrafficQuery,
} from "../../color-traffic-source";
import type { GateTarget } from "../../gate";
import { type CredentialsFor, driverCredentials } from "./gate-credentials";

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
 * The most a request can take on an ALB: its idle timeout is 1 to 4000 s ("Configure the idle
 * timeout", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout).
 */
const LONGEST_REQUEST_SECONDS = 4000;

/**
 * GetMetricData queries for one color's own traffic: `RequestCount` and
 * `HTTPCode_Target_5XX_Count` (Sum) and `TargetResponseTime` (p99), by the color's target
 * group and the ALB (the dimensions AWS documents for per-target-group ALB metrics). With
 * `slowerThanMs`, also the count of requests slower than it: the trimmed count
 * `TC(lower:upper)` of TargetResponseTime, which counts the datapoints (one per request) above
 * `lower` and at most `upper`, in the metric's unit, seconds ("CloudWatch statistics
 * definitions": https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
 * Pure.
 */
export function colorMetricQueries(
  target: GateTarget,
  color: Color,
  query: TrafficQuery = {},
): MetricQuery[] {
  const stats = target.outputs.trafficStats;
  if (stats.kind !== "cloudwatch") throw new Error(`not CloudWatch statistics: ${stats.kind}`);
  const dimensions = [
    { Name: "TargetGroup", Value: stats.targetGroups[color] },
    { Name: "LoadBalancer", Value: stats.loadBalancer },
  ];
  const metric = (Id: string, MetricName: string, Stat: string): MetricQuery => ({
    Id,
    MetricStat: {
      Metric: { Namespace: "AWS/ApplicationELB", MetricName, Dimensions: dimensions },
      Period: PERIOD_SECONDS,
      Stat,
    },
  });
  const slow =
    query.slowerThanMs === undefined
      ? []
      : [
          metric(
            "slow",
            "TargetResponseTime",
            `TC(${query.slowerThanMs / 1000}:${LONGEST_REQUEST_SECONDS})`,
          ),
        ];
  return [
    metric("requests", "RequestCount", "Sum"),
    metric("errors", "HTTPCode_Target_5XX_Count", "Sum"),
    metric("latency", "TargetResponseTime", "p99"),
    ...slow,
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
  const counted = results.some((r) => r.Id === "slow");
  return {
    requests: sum("requests"),
    errors: sum("errors"),
    responseTimeMs: latency.length > 0 ? Math.max(...latency) * 1000 : undefined,
    responseTimeStat: "p99",
    ...(counted ? { slow: sum("slow") } : {}),
  };
}

/** The one call the source needs from the SDK, so tests can stand in for CloudWatch. */
export type GetMetricData = (
  scope: AwsReadScope,
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
    async since(target, color, mark: TrafficMark, signal, query) {
      const start = Math.floor(mark.at / (PERIOD_SECONDS * 1000)) * PERIOD_SECONDS * 1000;
      const results = await getMetricData(
        { stack: target.stack, region: target.awsRegion },
        {
          MetricDataQueries: colorMetricQueries(target, color, query),
          StartTime: new Date(start),
          EndTime: new Date(now()),
        },
        signal,
      );
      return trafficFromResults(results);
    },
  };
}

type CloudWatch = typeof import("@aws-sdk/client-cloudwatch");

/** The one call the adapter makes, so tests can stand in for the SDK client. */
export interface MetricDataClient {
  send(
    command: InstanceType<CloudWatch["GetMetricDataCommand"]>,
    options: { abortSignal: AbortSignal },
  ): Promise<import("@aws-sdk/client-cloudwatch").GetMetricDataCommandOutput>;
}

/**
 * The AWS SDK v3 adapter, loaded only when an AWS gate runs. It reads with the stack's
 * credentials (`credentialsFor`; by default the driver's own), one client per role and region.
 */
export function awsGetMetricData(
  credentialsFor: CredentialsFor = driverCredentials,
  newClient: (config: AwsClientConfig) => Promise<MetricDataClient> = async (config) =>
    new (await import("@aws-sdk/client-cloudwatch")).CloudWatchClient(config),
): GetMetricData {
  const clientFor = gateClients(credentialsFor, newClient);
  return async (scope, input, signal) => {
    const sdk = await import("@aws-sdk/client-cloudwatch");
    const client = await clientFor(scope);
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
