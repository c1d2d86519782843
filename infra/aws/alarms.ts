import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS } from "../contract";
import { metricPeriodSeconds, OUTPOST_ALARM_NAMESPACE } from "./metric-periods";
import { Tags } from "./tags";

const NAMESPACE = OUTPOST_ALARM_NAMESPACE;

export interface OutpostAlarmsArgs {
  readonly outpost: string;
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly targetGroupArnSuffixes: Record<Color, pulumi.Input<string>>;
  readonly latencyThresholdSeconds: number;
  readonly error5xxThreshold: number;
  readonly evaluationPeriods: number;
  /** Detailed (1-minute) EC2 monitoring on the app instances; periods of EC2 metrics follow it. */
  readonly ec2DetailedMonitoring: boolean;
  readonly tags: Tags;
}

/** CloudWatch alarms per target group: target 5xx errors, unhealthy hosts and p99 latency. */
export class OutpostAlarms extends pulumi.ComponentResource {
  readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: OutpostAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:monitoring:OutpostAlarms", name, {}, opts);
    this.alarmNames = COLORS.flatMap((color) => this.colorAlarms(color, args));
    this.registerOutputs({ alarmNames: this.alarmNames });
  }

  private colorAlarms(color: Color, args: OutpostAlarmsArgs): pulumi.Output<string>[] {
    const parent = { parent: this };
    const dimensions = {
      LoadBalancer: args.loadBalancerArnSuffix,
      TargetGroup: args.targetGroupArnSuffixes[color],
    };
    const common = {
      namespace: NAMESPACE,
      dimensions,
      // The namespace's own interval, not the instances' monitoring level.
      period: metricPeriodSeconds(NAMESPACE, { ec2DetailedMonitoring: args.ec2DetailedMonitoring }),
      evaluationPeriods: args.evaluationPeriods,
      // An idle color has no traffic; silence there is healthy, not alarming.
      treatMissingData: "notBreaching",
      tags: { ...args.tags, Color: color },
    };
    const o = args.outpost;
    const errors = new aws.cloudwatch.MetricAlarm(
      `${o}-${color}-5xx`,
      {
        ...common,
        alarmDescription: `Target 5xx responses on ${o} ${color}`,
        metricName: "HTTPCode_Target_5XX_Count",
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.error5xxThreshold,
      },
      parent,
    );
    const unhealthy = new aws.cloudwatch.MetricAlarm(
      `${o}-${color}-unhealthy`,
      {
        ...common,
        alarmDescription: `Unhealthy targets on ${o} ${color}`,
        metricName: "UnHealthyHostCount",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
      },
      parent,
    );
    const latency = new aws.cloudwatch.MetricAlarm(
      `${o}-${color}-latency`,
      {
        ...common,
        alarmDescription: `p99 target response time on ${o} ${color}`,
        metricName: "TargetResponseTime",
        extendedStatistic: "p99",
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.latencyThresholdSeconds,
      },
      parent,
    );
    return [errors.name, unhealthy.name, latency.name];
  }
}
