import type { FleetConfig } from "../../infra/config";
import { appMetricsNamespace } from "../../infra/aws/app-metrics";
import { metricPeriodSeconds, OUTPOST_ALARM_NAMESPACE } from "../../infra/aws/metric-periods";
import { analysisTemplateSpec, pauseFloors, rolloutSpec } from "../../infra/aws/rollout-spec";

/**
 * The step-time model of a release on AWS Outposts. Every number names where it comes from: an
 * AWS page, a key of the stack's merged config (read per stack, see stackModelOf), a figure this
 * repository measured (with its command), or, where neither AWS nor the repository has one, an
 * assumption said to be one (each can be changed from the bench's command line).
 */
export interface StepTimes {
  /**
   * From the idle Auto Scaling group's update to its new instances InService (EC2 launch on the
   * Outpost, boot, the app started from the AMI's /opt/storefront). AWS publishes no figure:
   * an assumption, kept so that with the health checks below it is the 240 s "idle launch"
   * the project's earlier prestage bench assumed (--instance-ready-s).
   */
  readonly instanceReadyS: number;
  /**
   * An ALB listener's weights changed by the provider (ModifyListener and its read-back), or any
   * other small resource update: the earlier prestage bench's assumption (--listener-s).
   */
  readonly listenerChangeS: number;
  /**
   * ALB metrics come in 60 s periods: "Elastic Load Balancing reports metrics to CloudWatch
   * only when requests are flowing ... in 60-second intervals".
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
   */
  readonly metricPeriodS: number;
  /**
   * How long after its period a 1-minute datapoint can be read. AWS documents none; Datadog
   * measures "about 2 minutes" for 1-minute CloudWatch metrics
   * (https://docs.datadoghq.com/integrations/guide/cloud-metric-delay/): --metric-delay-s.
   */
  readonly metricDelayS: number;
  /**
   * How long after its 10 s period the app's own high-resolution figures can be read: the app
   * sends them at the period's end (app/cloudwatch-metrics-publisher.ts), then CloudWatch
   * ingests them. AWS documents no ingestion time for PutMetricData: an assumption
   * (--app-metric-delay-s).
   */
  readonly appMetricDelayS: number;
  /**
   * The engine's own time per `up` or preview of a stack: a + b x the stack's Outposts (a
   * targeted up still loads and evaluates the whole program). Fitted to `npm run
   * bench:engine-step -- --runs 3` on the 2-core machine (README): 4 Outposts 4 804 ms, 16
   * Outposts 9 352 ms (a no-op targeted up of the local target; the AWS program has more
   * resources per Outpost, so this is a lower bound).
   */
  readonly engineBaseMs: number;
  readonly enginePerOutpostMs: number;
  /**
   * A canary pod scheduled, its image pulled over the Outpost's service link and ready. No
   * figure exists: an assumption (--pod-ready-s); the readiness probe's 5 s period is the
   * program's (infra/aws/rollout-spec.ts).
   */
  readonly podReadyS: number;
  /** The AWS Load Balancer Controller moving the Ingress ALB's weights: as listenerChangeS. */
  readonly ingressWeightS: number;
  /**
   * Round trip from the driver (CodeBuild in us-east-1, the control stack's Region) to an
   * Outpost's ALB, by the Outpost's Region. AWS publishes live medians in Network Manager
   * (https://docs.aws.amazon.com/network-manager/latest/infrastructure-performance/how-nmip-works.html),
   * not a fixed table: assumptions, which move a verify by well under a second.
   */
  readonly roundTripMs: Readonly<Record<string, number>>;
  /**
   * The app's own response time: p50, p95, p99 of the staging load test on the local target
   * (docs/driver.md, "load pass: p50 1.4 ms, p95 4.6 ms, p99 9.3 ms ... 10782 req/s",
   * `npm run demo`).
   */
  readonly appLatencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  readonly appThroughput: number;
  /**
   * Production requests per second per Outpost. The project has no production figure: the
   * demo's load per endpoint (scripts/demo.ts, 100 requests/s each) (--rps).
   */
  readonly requestsPerSecond: number;
}

export const STEP_TIMES: StepTimes = {
  instanceReadyS: 220,
  listenerChangeS: 5,
  metricPeriodS: 60,
  metricDelayS: 120,
  appMetricDelayS: 10,
  engineBaseMs: 3_288,
  enginePerOutpostMs: 379,
  podReadyS: 25,
  ingressWeightS: 5,
  roundTripMs: { "us-east-1": 2, "eu-west-1": 70, "ap-southeast-1": 220 },
  appLatencyMs: { p50: 1.4, p95: 4.6, p99: 9.3 },
  appThroughput: 10_782,
  requestsPerSecond: 100,
};

/** The engine's time for one `up` or preview of a stack with `outposts` Outposts. */
export function engineMs(times: StepTimes, outposts: number): number {
  return times.engineBaseMs + times.enginePerOutpostMs * outposts;
}

/** One step of the Rollout as Argo runs it: what it does and how long it takes. */
export type RolloutStepModel =
  | { readonly kind: "setWeight"; readonly weight: number }
  /** setCanaryScale: the canary's pods at `weight`% of the replicas, the traffic unchanged. */
  | { readonly kind: "setCanaryScale"; readonly weight: number }
  /** `seconds` undefined: an indefinite pause, which ends at the driver's promote. */
  | { readonly kind: "pause"; readonly seconds: number | undefined }
  | { readonly kind: "analysis"; readonly seconds: number };

/** What the bench reads from one stack's merged config (config/layers and Pulumi.<stack>.yaml). */
export interface StackModel {
  /** loadBalancer.healthCheck.intervalSeconds x healthyThreshold: registered to healthy. */
  readonly healthyAfterS: number;
  readonly deregistrationDelayS: number;
  /** monitoring: the alarms' period (the ALB's 60 s, infra/aws/metric-periods.ts) and more. */
  readonly alarmPeriodS: number;
  readonly alarmEvaluationPeriods: number;
  readonly error5xxThreshold: number;
  readonly latencyThresholdS: number;
  /** Instances of a warm color: each Outpost's capacity.desired. */
  readonly desiredInstances: Readonly<Record<string, number>>;
  /** The Rollout the program emits: its replicas and canary steps (eks.canarySteps). */
  readonly rolloutReplicas: number;
  readonly rolloutSteps: readonly RolloutStepModel[];
  /** The pauses' floors the program annotates the Rollout with (rollout-spec.ts pauseFloors). */
  readonly rolloutPauseFloors: Readonly<Record<string, number>>;
  /** The raw steps of the emitted spec, for the Rollout object's spec.strategy.canary.steps. */
  readonly rolloutSpecSteps: readonly Record<string, unknown>[];
  readonly eksOutposts: readonly string[];
  /** The app's metrics namespace (infra/aws/app-metrics.ts), as the outputs name it. */
  readonly metricsNamespace: string;
}

/** "2m" -> 120 (the schema allows \d+[smh]). */
export function durationSeconds(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text);
  if (match === null) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}

/**
 * The Argo analysis the program emits (analysisTemplateSpec): `count` measurements `interval`
 * apart, the first at once, so a run lasts (count - 1) x interval
 * (https://argoproj.github.io/argo-rollouts/features/analysis/).
 */
function analysisSeconds(config: FleetConfig): number {
  const template = analysisTemplateSpec({
    appName: config.app.name,
    namespace: config.eks.namespace,
    port: config.app.port,
    versionPath: config.app.versionPath,
  }) as { metrics: { interval: string; count: number }[] };
  return Math.max(...template.metrics.map((m) => (m.count - 1) * durationSeconds(m.interval)));
}

export function stackModelOf(config: FleetConfig): StackModel {
  const spec = rolloutSpec({
    appName: config.app.name,
    namespace: config.eks.namespace,
    outpost: config.outposts[0].name,
    image: "storefront:model",
    version: "model",
    port: config.app.port,
    healthPath: config.app.healthPath,
    readyPath: config.app.readyPath,
    replicas: config.eks.replicas,
    resources: config.eks.resources,
    steps: config.eks.canarySteps,
    region: config.awsRegion ?? "",
    runtimeFingerprint: "model",
  }) as { strategy: { canary: { steps: Record<string, unknown>[] } } };
  const steps = spec.strategy.canary.steps;
  const analysis = analysisSeconds(config);
  const rolloutSteps = steps.map((step): RolloutStepModel => {
    if ("setWeight" in step) return { kind: "setWeight", weight: step.setWeight as number };
    if ("setCanaryScale" in step)
      return {
        kind: "setCanaryScale",
        weight: (step.setCanaryScale as { weight: number }).weight,
      };
    if ("pause" in step) {
      const duration = (step.pause as { duration?: string }).duration;
      return {
        kind: "pause",
        seconds: duration === undefined ? undefined : durationSeconds(duration),
      };
    }
    return { kind: "analysis", seconds: analysis };
  });
  const health = config.loadBalancer.healthCheck;
  return {
    healthyAfterS: health.intervalSeconds * health.healthyThreshold,
    deregistrationDelayS: config.loadBalancer.deregistrationDelaySeconds,
    // The period the program gives the Outpost's alarms (alarms.ts): the ALB's metrics publish
    // every 60 s whatever the instances' monitoring level, so basic staging stacks too.
    alarmPeriodS: metricPeriodSeconds(OUTPOST_ALARM_NAMESPACE, {
      ec2DetailedMonitoring: config.environmentSettings.monitoringLevel === "enhanced",
    }),
    alarmEvaluationPeriods: config.monitoring.evaluationPeriods,
    error5xxThreshold: config.monitoring.error5xxThreshold,
    latencyThresholdS: config.monitoring.latencyThresholdSeconds,
    desiredInstances: Object.fromEntries(config.outposts.map((o) => [o.name, o.capacity.desired])),
    rolloutReplicas: config.eks.replicas,
    rolloutSteps,
    rolloutSpecSteps: steps,
    rolloutPauseFloors: pauseFloors(config.eks.canarySteps),
    eksOutposts: config.eks.enabled ? config.outposts.map((o) => o.name) : [],
    metricsNamespace: appMetricsNamespace(config.app.name),
  };
}
