import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketCompanions } from "../aws/bucket-companions";
import { accountBucketName, tlsOnlyBucketPolicy } from "../aws/bucket-documents";
import { Tags } from "../aws/tags";

export interface ControlBucketArgs {
  /** The control plane's name: the bucket is `<prefix>-<purpose>-<account>`. */
  readonly prefix: string;
  /** `artifacts` or `state`. */
  readonly purpose: string;
  readonly accountId: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[];
  readonly tags: Tags;
}

/**
 * A private bucket of the control plane (build artifacts, or the driver's state): versioned,
 * SSE-KMS with the control key, every public access blocked, owner-enforced, TLS only, and a
 * lifecycle. The same companions as the ALB access-log bucket (infra/aws/bucket-companions.ts).
 */
export class ControlBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: ControlBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:control:ControlBucket", name, {}, opts);
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: pulumi
          .output(args.accountId)
          .apply((account) => accountBucketName(args.prefix, args.purpose, account)),
        forceDestroy: false,
        tags: args.tags,
      },
      { parent: this },
    );
    const { policy } = bucketCompanions(this, name, {
      bucketName: bucket.bucket,
      encryption: { kind: "aws:kms", keyArn: args.keyArn },
      versioning: true,
      lifecycleRules: args.lifecycleRules,
      policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
    });
    // Users wait for the policy: no request is ever served before TLS-only applies.
    this.bucketName = pulumi.all([bucket.bucket, policy.id]).apply(([bucketName]) => bucketName);
    this.arn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}

/** Pure: build artifacts expire after `days`; a replaced version after a week. */
export function artifactLifecycle(
  days: number,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: "expire-artifacts",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days },
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}

/**
 * Pure: the state is never expired; replaced versions of state, journal and lock objects are
 * kept `noncurrentDays` (to recover a stack or a journal), then expire.
 */
export function stateLifecycle(
  noncurrentDays: number,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: "expire-replaced-state",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}
