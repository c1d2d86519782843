/**
 * The app's own request figures for the release gates: requests, 5xx answers and latencies
 * per publishing period, as CloudWatch high-resolution metrics (the names are the contract's
 * APP_METRICS, repeated here because the app ships without the infra package). Pure: the
 * publisher (cloudwatch-metrics-publisher.ts) sends what `metricData` returns.
 */

export const METRIC_NAMES = {
  requests: "Requests",
  errors: "Errors5xx",
  latency: "LatencyMs",
} as const;

/** Where and as what this process's figures are published. */
export interface MetricsTarget {
  readonly namespace: string;
  readonly outpost: string;
  /** `blue` / `green` on an ASG color's instances, `eks:<version>` on the Rollout's pods. */
  readonly track: string;
  /** Seconds between publishes: 1, 5, 10, 20 or 30 (a high-resolution metric's periods). */
  readonly periodSeconds: number;
}

/**
 * Latency buckets' upper bounds in ms. A request counts at its bucket's upper bound, which is
 * never below its real latency, so a count of the requests slower than a limit (the gates'
 * trimmed count TC(limit:...)) can only be too high. 82 bounds: within the 150 distinct
 * values one MetricDatum may carry (MetricDatum "Values": "can include up to 150 unique
 * values", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html).
 */
const BOUNDS_MS: readonly number[] = [
  ...range(1, 10, 1),
  ...range(12, 20, 2),
  ...range(25, 100, 5),
  ...range(120, 200, 20),
  ...range(250, 1000, 50),
  ...range(1200, 2000, 200),
  ...range(2500, 10_000, 500),
  15_000,
  20_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
];

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** The upper bound of the bucket `ms` falls in (the last bound for anything longer). */
export function latencyBucket(ms: number): number {
  for (const bound of BOUNDS_MS) if (ms <= bound) return bound;
  return BOUNDS_MS[BOUNDS_MS.length - 1];
}

/** One period's figures. */
export interface MetricsWindow {
  readonly requests: number;
  readonly errors: number;
  /** Bucket upper bound (ms) -> requests in it. */
  readonly latency: ReadonlyMap<number, number>;
}

/** Counts answers until the publisher takes the window. */
export class RequestMetrics {
  private requests = 0;
  private errors = 0;
  private latency = new Map<number, number>();

  record(status: number, latencyMs: number): void {
    this.requests++;
    if (status >= 500) this.errors++;
    const bucket = latencyBucket(latencyMs);
    this.latency.set(bucket, (this.latency.get(bucket) ?? 0) + 1);
  }

  /** The figures since the last take, and a fresh window. */
  take(): MetricsWindow {
    const window = { requests: this.requests, errors: this.errors, latency: this.latency };
    this.requests = 0;
    this.errors = 0;
    this.latency = new Map();
    return window;
  }
}

/** A MetricDatum as PutMetricData takes it (the SDK's shape, without its types). */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: { readonly Name: string; readonly Value: string }[];
  readonly Timestamp: Date;
  readonly StorageResolution: 1;
  readonly Unit: "Count" | "Milliseconds";
  readonly Value?: number;
  readonly Values?: number[];
  readonly Counts?: number[];
}

/**
 * The window as high-resolution data (StorageResolution 1: "CloudWatch stores the metric with
 * sub-minute resolution down to one second", MetricDatum, link above). Requests and errors are
 * published even when zero, so a gate tells "no errors" from "no data"; latencies as values
 * and counts, the raw form percentiles and trimmed counts need. Empty when nothing was served.
 */
export function metricData(window: MetricsWindow, target: MetricsTarget, at: Date): MetricDatum[] {
  if (window.requests === 0) return [];
  const Dimensions = [
    { Name: "Outpost", Value: target.outpost },
    { Name: "Track", Value: target.track },
  ];
  const base = { Dimensions, Timestamp: at, StorageResolution: 1 as const };
  const buckets = [...window.latency.entries()].sort(([a], [b]) => a - b);
  return [
    { ...base, MetricName: METRIC_NAMES.requests, Unit: "Count", Value: window.requests },
    { ...base, MetricName: METRIC_NAMES.errors, Unit: "Count", Value: window.errors },
    {
      ...base,
      MetricName: METRIC_NAMES.latency,
      Unit: "Milliseconds",
      Values: buckets.map(([bound]) => bound),
      Counts: buckets.map(([, count]) => count),
    },
  ];
}
