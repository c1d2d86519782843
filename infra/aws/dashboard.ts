import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DashboardSite {
  readonly outpost: string;
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
}

/** Pure: the CloudWatch dashboard body for one region, a row of widgets per Outpost. */
export function dashboardBody(
  region: string,
  sites: { outpost: string; loadBalancer: string }[],
): string {
  const widgets = sites.flatMap((site, row) =>
    (
      [
        ["RequestCount", "Sum", "Requests"],
        ["HTTPCode_Target_5XX_Count", "Sum", "Target 5xx"],
        ["TargetResponseTime", "p99", "p99 latency"],
      ] as const
    ).map(([metric, stat, title], column) => ({
      type: "metric",
      x: column * 8,
      y: row * 6,
      width: 8,
      height: 6,
      properties: {
        title: `${site.outpost}: ${title}`,
        region,
        stat,
        period: 60,
        metrics: [["AWS/ApplicationELB", metric, "LoadBalancer", site.loadBalancer]],
      },
    })),
  );
  return JSON.stringify({ widgets });
}

/** One dashboard per region stack. */
export class RegionDashboard extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;

  constructor(
    name: string,
    args: { region: string; dashboardName: string; sites: DashboardSite[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("outpost-fleet:monitoring:RegionDashboard", name, {}, opts);
    const body = pulumi
      .all(args.sites.map((site) => pulumi.output(site.loadBalancerArnSuffix)))
      .apply((suffixes) =>
        dashboardBody(
          args.region,
          args.sites.map((site, i) => ({ outpost: site.outpost, loadBalancer: suffixes[i] })),
        ),
      );
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: args.dashboardName, dashboardBody: body },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
