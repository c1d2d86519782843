import type { Clock } from "../../automation/support/clock";
import { type ApiQuota, TokenBucket } from "./token-bucket";

/** The AWS APIs whose rate limits a release at 50 and 100 Outposts draws on. */
export type ThrottledApi =
  | "elb:Describe"
  | "autoscaling"
  | "cloudwatch:GetMetricData"
  | "cloudwatch:DescribeAlarms";

/**
 * The default quotas, per account and Region (each is per account and Region on its page):
 *
 * - ELB API version 2, non-mutating (Describe*, DescribeTargetHealth among them): a bucket of 40
 *   tokens refilled at 10 per second.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
 * - Amazon EC2 Auto Scaling: one bucket shared by every Auto Scaling call of the account and
 *   Region, whose size AWS does not publish
 *   (https://repost.aws/knowledge-center/autoscaling-api-calls-throttled). Modelled with EC2's
 *   published non-mutating bucket, 100 tokens refilled at 20 per second
 *   (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): an assumption;
 *   Service Quotas shows an account's real figure.
 * - CloudWatch GetMetricData (without Metrics Insights): 50 transactions per second;
 *   DescribeAlarms: 9 transactions per second. Modelled as buckets of one second's worth.
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 */
export const AWS_API_QUOTAS: Readonly<Record<ThrottledApi, ApiQuota>> = {
  "elb:Describe": { capacity: 40, perSecond: 10 },
  autoscaling: { capacity: 100, perSecond: 20 },
  "cloudwatch:GetMetricData": { capacity: 50, perSecond: 50 },
  "cloudwatch:DescribeAlarms": { capacity: 9, perSecond: 9 },
};

/** Where a call is counted: AWS throttles per account and per Region. */
export interface ApiScope {
  readonly account: string;
  readonly region: string;
}

/** Every bucket of the simulated AWS, made on first use: one per API, account and Region. */
export class AwsApiLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly quotas: Readonly<Record<ThrottledApi, ApiQuota>> = AWS_API_QUOTAS,
  ) {}

  /** One call of `api` in `scope`: takes a token or waits for one. */
  take(api: ThrottledApi, scope: ApiScope, signal?: AbortSignal): Promise<void> {
    return this.bucket(api, scope).take(signal);
  }

  /** Calls and waits by API, summed over accounts and Regions. */
  usage(): Record<ThrottledApi, { calls: number; waitedMs: number }> {
    const usage = Object.fromEntries(
      Object.keys(this.quotas).map((api) => [api, { calls: 0, waitedMs: 0 }]),
    ) as Record<ThrottledApi, { calls: number; waitedMs: number }>;
    for (const [key, bucket] of this.buckets) {
      const api = key.split("|")[0] as ThrottledApi;
      const { calls, waitedMs } = bucket.usage();
      usage[api].calls += calls;
      usage[api].waitedMs += waitedMs;
    }
    return usage;
  }

  private bucket(api: ThrottledApi, scope: ApiScope): TokenBucket {
    const key = `${api}|${scope.account}|${scope.region}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.clock, this.quotas[api]);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
