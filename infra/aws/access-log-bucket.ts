import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketCompanions } from "./bucket-companions";
import { accountBucketName } from "./bucket-documents";
import { logBucketPolicy } from "./log-bucket-policy";
import { Tags } from "./tags";

/**
 * Pure: the log bucket's name, `<stack>-alb-logs-<account>`: globally unique, and known at
 * preview (the account comes from a lookup), so policies can tie the bucket's companions to it.
 */
export function logBucketName(stack: string, accountId: string): string {
  return accountBucketName(stack, "alb-logs", accountId);
}

export interface AccessLogBucketArgs {
  /** `<app>-<environment>-<regionGroup>`: names the bucket (logBucketName). */
  readonly stackName: string;
  /** Key prefix of the ALBs' logs; ELB appends `AWSLogs/<account>/...`. */
  readonly prefix: string;
  /** Days before a log object expires. */
  readonly retentionDays: number;
  readonly tags: Tags;
}

/**
 * The Region's bucket for ALB access logs (EC2 ALBs and Ingress ALBs): SSE-S3 encryption
 * (the only kind ELB log delivery supports), every public access blocked, bucket-owner
 * ownership (no ACLs), TLS-only access, and a lifecycle that expires old logs.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly prefix: string;
  /** The account the bucket is in (its name's suffix). */
  readonly accountId: pulumi.Output<string>;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:logging:AccessLogBucket", name, {}, opts);
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: identity.accountId.apply((account) => logBucketName(args.stackName, account)),
        forceDestroy: false,
        tags: args.tags,
      },
      parent,
    );
    // Companions name the bucket by its name (which is also its id), known at preview.
    const bucketName = bucket.bucket;
    const policy = pulumi
      .all([bucket.arn, identity.accountId])
      .apply(([bucketArn, accountId]) =>
        JSON.stringify(logBucketPolicy({ bucketArn, prefix: args.prefix, accountId })),
      );
    // SSE-S3: the only encryption ELB log delivery supports.
    const { policy: bucketPolicy } = bucketCompanions(this, name, {
      bucketName,
      encryption: { kind: "AES256" },
      lifecycleRules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: `${args.prefix}/` },
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
      policy,
    });
    // ELB checks that it may write when logging is turned on: users wait for the policy.
    this.bucketName = pulumi
      .all([bucket.bucket, bucketPolicy.id])
      .apply(([bucketName]) => bucketName);
    this.prefix = args.prefix;
    this.accountId = identity.accountId;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
