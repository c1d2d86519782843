import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  REGION_DIMENSION,
  RELEASE_DIMENSION,
  RELEASE_METRICS,
  RELEASE_METRICS_NAMESPACE,
  ReleaseMetric,
} from "./release-metric-names";

/**
 * A SEARCH expression over one release metric: one line per release (and region), whatever
 * releases and regions exist (CloudWatch User Guide, "Using search expressions in graphs").
 */
export function metricSearch(metric: ReleaseMetric, stat: string, periodSeconds: number): string {
  const dimensions = metric.byRegion
    ? `${RELEASE_DIMENSION},${REGION_DIMENSION}`
    : RELEASE_DIMENSION;
  return `SEARCH('{${RELEASE_METRICS_NAMESPACE},${dimensions}} MetricName="${metric.name}"', '${stat}', ${periodSeconds})`;
}

/** Pure: the releases dashboard: duration, waves completed, rollbacks, gate failures. */
export function releaseDashboardBody(region: string): string {
  const period = 3600;
  const panels: [ReleaseMetric, string, string][] = [
    [RELEASE_METRICS.releaseDuration, "Maximum", "Release duration (s), by release"],
    [RELEASE_METRICS.wavesCompleted, "Sum", "Waves completed, by release and region"],
    [RELEASE_METRICS.rollbacks, "Sum", "Rollbacks, by release and region"],
    [RELEASE_METRICS.gateFailures, "Sum", "Gate failures, by release and region"],
  ];
  const widgets = panels.map(([metric, stat, title], i) => ({
    type: "metric",
    x: (i % 2) * 12,
    y: Math.floor(i / 2) * 6,
    width: 12,
    height: 6,
    properties: {
      title,
      region,
      view: "timeSeries",
      period,
      metrics: [[{ expression: metricSearch(metric, stat, period), id: `m${i}` }]],
    },
  }));
  return JSON.stringify({ widgets });
}

/** The fleet's release dashboard, over the metrics the driver publishes. */
export class ReleaseDashboard extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;

  constructor(
    name: string,
    args: {
      /** The Region the driver publishes its metrics in (the control plane's). */
      readonly region: string;
      readonly dashboardName: string;
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("outpost-fleet:control:ReleaseDashboard", name, {}, opts);
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: args.dashboardName, dashboardBody: releaseDashboardBody(args.region) },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
