/**
 * How often each namespace the program alarms on publishes a datapoint: an alarm whose period is
 * shorter sees gaps, one much longer reacts late. Pure.
 *
 * - AWS/ApplicationELB: every 60 seconds, whatever the instances' monitoring (ELB User Guide,
 *   "CloudWatch metrics for your Application Load Balancer":
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
 * - AWS/EC2: every 60 seconds with detailed monitoring, every 5 minutes without (EC2 User
 *   Guide, "Manage detailed monitoring for your EC2 instances":
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html).
 */
/** The namespace of every Outpost alarm (alarms.ts): the ALB's metrics, per target group. */
export const OUTPOST_ALARM_NAMESPACE = "AWS/ApplicationELB";

export function metricPeriodSeconds(
  namespace: string,
  monitoring: { readonly ec2DetailedMonitoring: boolean },
): number {
  switch (namespace) {
    case "AWS/ApplicationELB":
      return 60;
    case "AWS/EC2":
      return monitoring.ec2DetailedMonitoring ? 60 : 300;
    default:
      throw new Error(`no publication interval known for namespace ${namespace}`);
  }
}
