/**
 * The app's own request metrics (app/request-metrics.ts), read by the release gates as the
 * `app-metrics` traffic statistics (automation/gates/adapters/aws/app-metrics-traffic.ts).
 */

/**
 * How often the app publishes and the Period the gates read: 10 s, a period high-resolution
 * metrics allow ("1, 5, 10, 20, 30, 60, or any multiple of 60",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html). One
 * PutMetricData per instance or pod each period (docs/driver.md names the cost at 50 Outposts).
 */
export const APP_METRICS_PERIOD_SECONDS = 10;

/** The app's CloudWatch namespace; the publish permission is scoped to it. */
export function appMetricsNamespace(appName: string): string {
  return `OutpostFleet/${appName}`;
}

/** The environment the app reads its publishing target from (app/app-options.ts). */
export function appMetricsEnvironment(appName: string, track: string): Record<string, string> {
  return {
    APP_METRICS_NAMESPACE: appMetricsNamespace(appName),
    APP_METRICS_TRACK: track,
    APP_METRICS_PERIOD_SECONDS: String(APP_METRICS_PERIOD_SECONDS),
  };
}
