import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logBucketPolicy } from "./log-bucket-policy";
import { Tags } from "./tags";

export interface AccessLogBucketArgs {
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
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { forceDestroy: false, tags: args.tags },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
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
        bucket: bucket.id,
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
    const identity = aws.getCallerIdentityOutput({}, parent);
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
      { bucket: bucket.id, policy },
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
