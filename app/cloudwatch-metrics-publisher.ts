import { metricData, type MetricsTarget, RequestMetrics } from "./request-metrics";

/** The one call the publisher makes, so tests can stand in for CloudWatch. */
export type PutMetricData = (input: {
  Namespace: string;
  MetricData: ReturnType<typeof metricData>;
}) => Promise<void>;

/** PutMetricData through the AWS SDK, with the instance's (or node's) role. */
export async function sdkPutMetricData(region: string | undefined): Promise<PutMetricData> {
  const sdk = await import("@aws-sdk/client-cloudwatch");
  const client = new sdk.CloudWatchClient(region === undefined ? {} : { region });
  return async (input) => {
    await client.send(
      new sdk.PutMetricDataCommand({
        Namespace: input.Namespace,
        MetricData: input.MetricData.map((d) => ({ ...d, Dimensions: [...d.Dimensions] })),
      }),
    );
  };
}

export interface MetricsPublisher {
  readonly metrics: RequestMetrics;
  /** Publishes what is left and stops the timer. */
  stop(): Promise<void>;
}

/**
 * Publishes the window every `periodSeconds`, stamped with the period's start. A failed
 * publish is logged and its figures dropped (the gates then see too small a sample and wait,
 * never a pass); it never fails a request.
 */
export function startMetricsPublisher(
  target: MetricsTarget,
  put: PutMetricData,
  warn: (error: unknown) => void,
  now: () => number = Date.now,
): MetricsPublisher {
  const metrics = new RequestMetrics();
  const periodMs = target.periodSeconds * 1000;
  let periodStart = Math.floor(now() / periodMs) * periodMs;
  const flush = async () => {
    const data = metricData(metrics.take(), target, new Date(periodStart));
    periodStart = Math.floor(now() / periodMs) * periodMs;
    if (data.length === 0) return;
    await put({ Namespace: target.namespace, MetricData: data }).catch(warn);
  };
  const timer = setInterval(() => void flush(), periodMs);
  timer.unref();
  return {
    metrics,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
