import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, encryptionRules } from "./bucket-documents";

export interface BucketCompanionsArgs {
  /** The bucket's name (also its id), known at preview. */
  readonly bucketName: pulumi.Input<string>;
  readonly encryption: BucketEncryption;
  /** Whether to turn versioning on (a `<name>-versioning` resource). Default false. */
  readonly versioning?: boolean;
  readonly lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[];
  /** The bucket policy, as JSON; registered after the public-access block. */
  readonly policy: pulumi.Input<string>;
}

/**
 * The resources that make a bucket private and safe, registered under `parent` with names
 * `<name>-ownership`, `-encryption`, `-public-access`, `-versioning` (when on), `-lifecycle`
 * and `-policy`: bucket-owner ownership (no ACLs), default encryption, every public access
 * blocked, and a policy (after the block: S3 checks a new policy against it). Shared by the
 * ALB access-log bucket and the control plane's buckets.
 */
export function bucketCompanions(
  parent: pulumi.Resource,
  name: string,
  args: BucketCompanionsArgs,
): { policy: aws.s3.BucketPolicy } {
  const opts = { parent };
  const bucket = args.bucketName;
  new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    { bucket, rules: encryptionRules(args.encryption) },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  const versioning = args.versioning
    ? new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket, versioningConfiguration: { status: "Enabled" } },
        opts,
      )
    : undefined;
  // A versioned bucket's lifecycle waits for versioning (noncurrent-version rules need it).
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    { bucket, rules: args.lifecycleRules },
    versioning ? { parent, dependsOn: [versioning] } : opts,
  );
  const policy = new aws.s3.BucketPolicy(
    `${name}-policy`,
    { bucket, policy: args.policy },
    { parent, dependsOn: [publicAccess] },
  );
  return { policy };
}
