import type { AlarmState, AlarmStateReader } from "../../automation/gates/cloudwatch-alarm-gate";
import type {
  GetMetricData,
  MetricQuery,
  MetricResult,
} from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import { APP_METRICS, type Color } from "../../infra/contract";
import type { Clock } from "../../automation/support/clock";
import type { AwsApiLimits } from "./aws-api-quotas";
import type { OutpostWorld } from "./outpost-world";
import type { SimulatedArgo } from "./simulated-argo";
import { alarmOf, colorOfTargetGroup } from "./simulated-names";

/**
 * The datapoints CloudWatch holds for one color's target group: one per `periodS` that had
 * requests (ALB reports only when requests flow), readable `delayS` after the period ended.
 */
function periods(
  world: OutpostWorld,
  ref: { stack: string; outpost: string; color: Color },
  from: number,
  to: number,
  periodS: number,
  now: number,
): { start: number; requests: number; errors: number }[] {
  const periodMs = periodS * 1000;
  const readable = now - world.times.metricDelayS * 1000;
  const points: { start: number; requests: number; errors: number }[] = [];
  for (let start = Math.floor(from / periodMs) * periodMs; start < to; start += periodMs) {
    const end = start + periodMs;
    if (end > readable) break;
    const requests = world.requests(ref.stack, ref.outpost, ref.color, start, end);
    if (requests <= 0) continue;
    points.push({
      start,
      requests,
      errors: world.errors(ref.stack, ref.outpost, ref.color, start, end),
    });
  }
  return points;
}

/**
 * The app's own datapoints for one track (app/request-metrics.ts): an ASG color's instances by
 * the listener weights, or the Rollout's pods of a version by Argo's weights on the Ingress;
 * one per `periodS` that had requests, readable `appMetricDelayS` after the period ended.
 */
function appPeriods(
  world: OutpostWorld,
  argo: SimulatedArgo,
  ref: { stack: string; outpost: string; track: string },
  from: number,
  to: number,
  periodS: number,
  now: number,
): { requests: number; errors: number }[] {
  const periodMs = periodS * 1000;
  const readable = now - world.times.appMetricDelayS * 1000;
  const points: { requests: number; errors: number }[] = [];
  const eks = ref.track.startsWith("eks:") ? ref.track.slice("eks:".length) : undefined;
  for (let start = Math.floor(from / periodMs) * periodMs; start < to; start += periodMs) {
    const end = start + periodMs;
    if (end > readable) break;
    const color = ref.track as Color;
    const requests =
      eks === undefined
        ? world.requests(ref.stack, ref.outpost, color, start, end)
        : argo.ingressRequests(ref.stack, ref.outpost, eks, start, end);
    if (requests <= 0) continue;
    const errors =
      eks === undefined
        ? world.errors(ref.stack, ref.outpost, color, start, end)
        : requests * world.errorRate(eks);
    points.push({ requests, errors });
  }
  return points;
}

/**
 * GetMetricData on the simulated fleet, for the queries the real sources make: by
 * cloudwatch-traffic.ts, RequestCount and HTTPCode_Target_5XX_Count (Sum) and
 * TargetResponseTime (p99) of AWS/ApplicationELB by TargetGroup; by app-metrics-traffic.ts,
 * the app's Requests, Errors5xx (Sum) and LatencyMs (p99, and the trimmed count of requests
 * over a limit) by Outpost and Track; each at the query's Period. A metric it does not know is
 * an error, never an empty answer. One call takes one token of the account's GetMetricData
 * bucket in the Region, whatever it asks.
 */
export function simulatedGetMetricData(
  world: OutpostWorld,
  limits: AwsApiLimits,
  clock: Clock,
  argo: SimulatedArgo,
): GetMetricData {
  return async (scope, input, signal) => {
    const first = input.MetricDataQueries[0].MetricStat.Metric;
    if (first.Namespace.startsWith(APP_NAMESPACE_PREFIX)) {
      return appMetricData(world, argo, limits, clock, scope.stack, input, signal);
    }
    const refs = input.MetricDataQueries.map((query) => refOf(query));
    await limits.take(
      "cloudwatch:GetMetricData",
      world.site(refs[0].stack, refs[0].outpost).scope,
      signal,
    );
    const now = clock.now();
    return input.MetricDataQueries.map((query, i): MetricResult => {
      const points = periods(
        world,
        refs[i],
        input.StartTime.getTime(),
        input.EndTime.getTime(),
        query.MetricStat.Period,
        now,
      );
      const { MetricName } = query.MetricStat.Metric;
      switch (MetricName) {
        case "RequestCount":
          return { Id: query.Id, Values: points.map((p) => p.requests) };
        case "HTTPCode_Target_5XX_Count":
          // Reported only when not zero.
          return { Id: query.Id, Values: points.filter((p) => p.errors > 0).map((p) => p.errors) };
        case "TargetResponseTime":
          return { Id: query.Id, Values: points.map(() => world.times.appLatencyMs.p99 / 1000) };
        default:
          throw new Error(`the simulated CloudWatch has no metric ${MetricName}`);
      }
    });
  };
}

const APP_NAMESPACE_PREFIX = "OutpostFleet/";

async function appMetricData(
  world: OutpostWorld,
  argo: SimulatedArgo,
  limits: AwsApiLimits,
  clock: Clock,
  stack: string,
  input: Parameters<GetMetricData>[1],
  signal: AbortSignal,
): Promise<MetricResult[]> {
  const dimension = (query: MetricQuery, name: string) => {
    const found = query.MetricStat.Metric.Dimensions.find((d) => d.Name === name);
    if (found === undefined) throw new Error(`an app metric query needs its ${name} dimension`);
    return found.Value;
  };
  const outpost = dimension(input.MetricDataQueries[0], APP_METRICS.outpostDimension);
  await limits.take("cloudwatch:GetMetricData", world.site(stack, outpost).scope, signal);
  const now = clock.now();
  const p99 = world.times.appLatencyMs.p99;
  return input.MetricDataQueries.map((query): MetricResult => {
    const ref = { stack, outpost, track: dimension(query, APP_METRICS.trackDimension) };
    const points = appPeriods(
      world,
      argo,
      ref,
      input.StartTime.getTime(),
      input.EndTime.getTime(),
      query.MetricStat.Period,
      now,
    );
    const { MetricName } = query.MetricStat.Metric;
    const { Stat } = query.MetricStat;
    if (MetricName === APP_METRICS.requests)
      return { Id: query.Id, Values: points.map((p) => p.requests) };
    if (MetricName === APP_METRICS.errors)
      return { Id: query.Id, Values: points.map((p) => p.errors) };
    if (MetricName === APP_METRICS.latency && Stat === "p99")
      return { Id: query.Id, Values: points.map(() => p99) };
    const trimmed = /^TC\((\d+(?:\.\d+)?):/.exec(Stat);
    if (MetricName === APP_METRICS.latency && trimmed) {
      // At most 1% of requests are slower than the p99; none when the p99 is under the limit.
      const slowShare = p99 > Number(trimmed[1]) ? 0.01 : 0;
      return { Id: query.Id, Values: points.map((p) => p.requests * slowShare) };
    }
    throw new Error(`the simulated CloudWatch has no app metric ${MetricName} ${Stat}`);
  });
}

function refOf(query: MetricQuery) {
  const { Namespace, Dimensions } = query.MetricStat.Metric;
  if (Namespace !== "AWS/ApplicationELB") {
    throw new Error(`the simulated CloudWatch has no namespace ${Namespace}`);
  }
  const group = Dimensions.find((d) => d.Name === "TargetGroup");
  if (group === undefined) throw new Error("a per-color query needs its TargetGroup dimension");
  return colorOfTargetGroup(group.Value);
}

/**
 * DescribeAlarms on the simulated fleet: the alarms the program makes per color
 * (infra/aws/alarms.ts), evaluated as CloudWatch does on the stack's config: ALARM once the last
 * `monitoring.evaluationPeriods` readable periods all breach (5xx Sum above error5xxThreshold,
 * p99 above latencyThresholdSeconds, unhealthy hosts above 0); missing data is not breaching.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * One call takes one token of the account's DescribeAlarms bucket in the Region.
 */
export function simulatedAlarms(
  world: OutpostWorld,
  limits: AwsApiLimits,
  clock: Clock,
): AlarmStateReader {
  return {
    async describe(_scope, names, signal) {
      const first = alarmOf(names[0]);
      await limits.take(
        "cloudwatch:DescribeAlarms",
        world.site(first.stack, first.outpost).scope,
        signal,
      );
      const now = clock.now();
      return names.map((name): AlarmState => {
        const alarm = alarmOf(name);
        const site = world.site(alarm.stack, alarm.outpost);
        const { alarmPeriodS, alarmEvaluationPeriods, error5xxThreshold, latencyThresholdS } =
          site.model;
        const periodMs = alarmPeriodS * 1000;
        const lastReadable =
          Math.floor((now - world.times.metricDelayS * 1000) / periodMs) * periodMs;
        const window = periods(
          world,
          alarm,
          lastReadable - alarmEvaluationPeriods * periodMs,
          lastReadable,
          alarmPeriodS,
          now,
        );
        const breaching = (p: { requests: number; errors: number }) =>
          alarm.kind === "5xx"
            ? p.errors > error5xxThreshold
            : alarm.kind === "latency"
              ? world.times.appLatencyMs.p99 / 1000 > latencyThresholdS
              : false;
        const firing =
          window.length === alarmEvaluationPeriods && window.every((p) => breaching(p));
        // DescribeAlarms reports each alarm's Period: the bake's floor is counted in them.
        return firing
          ? {
              name,
              state: "ALARM",
              reason: `${alarmEvaluationPeriods} of ${alarmEvaluationPeriods} datapoints breaching`,
              periodSeconds: alarmPeriodS,
            }
          : { name, state: "OK", periodSeconds: alarmPeriodS };
      });
    },
  };
}
