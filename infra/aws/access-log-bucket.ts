import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logBucketPolicy } from "./log-bucket-policy";
import { Tags } from "./tags";

/** S3 bucket names: 3-63 characters (S3 User Guide, "General purpose bucket naming rules"). */
const BUCKET_NAME_MAX = 63;

/**
 * Pure: the log bucket's name, `<stack>-alb-logs-<account>`: globally unique, and known at
 * preview (the account comes from a lookup), so policies can tie the bucket's companions to it.
 */
export function logBucketName(stack: string, accountId: string): string {
  const suffix = `-alb-logs-${accountId}`;
  return `${stack.slice(0, BUCKET_NAME_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
}

export interface AccessLogBucketArgs {
  /** `<app>-<environment>-<regionGroup>`: names the bucket (logBucketName). */
  readonly stackName: string;
  /** The stack's Region: ELB writes access logs only to a bucket in its own Region. */
  readonly region: string;
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
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketName,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketName,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: `${args.prefix}/` },
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );
    const policy = pulumi
      .all([bucket.arn, identity.accountId])
      .apply(([bucketArn, accountId]) =>
        JSON.stringify(
          logBucketPolicy({ bucketArn, prefix: args.prefix, accountId, region: args.region }),
        ),
      );
    // After the public-access block: S3 checks a new policy against it.
    const bucketPolicy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucketName, policy },
      { parent: this, dependsOn: [publicAccess] },
    );
    // ELB checks that it may write when logging is turned on: users wait for the policy.
    this.bucketName = pulumi
      .all([bucket.bucket, bucketPolicy.id])
      .apply(([bucketName]) => bucketName);
    this.prefix = args.prefix;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
