import type * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument, PolicyStatement } from "./iam-types";

/** S3 bucket names: 3-63 characters (S3 User Guide, "General purpose bucket naming rules"). */
export const BUCKET_NAME_MAX = 63;

/**
 * Pure: a bucket's name, `<prefix>-<purpose>-<account>`: globally unique, and known at preview
 * (the account comes from a lookup), so policies can tie the bucket's companions to it. The
 * prefix is cut (and loses trailing dashes) to keep the name within S3's 63 characters.
 */
export function accountBucketName(prefix: string, purpose: string, accountId: string): string {
  const suffix = `-${purpose}-${accountId}`;
  return `${prefix.slice(0, BUCKET_NAME_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/** Pure: denies every request that is not over TLS, whoever makes it (s3-tls-only policy). */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** A bucket that logs its requests into an access-log bucket, under `<key>/`. */
export interface AccessLogSource {
  /** The prefix of its logs in the target bucket, without the trailing slash. */
  readonly key: string;
  /** The source bucket's name. */
  readonly bucket: string;
}

/**
 * Pure: lets S3's log delivery write each source bucket's server access logs under its prefix,
 * and only for those sources of this account (S3 User Guide, "Enabling Amazon S3 server access
 * logging", permissions for log delivery through a bucket policy, the only way with
 * BucketOwnerEnforced ownership):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
export function serverAccessLogDeliveryStatement(input: {
  targetBucketArn: string;
  sources: readonly AccessLogSource[];
  accountId: string;
}): PolicyStatement {
  return {
    Sid: "S3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: input.sources.map((source) => `${input.targetBucketArn}/${source.key}/*`),
    Condition: {
      ArnLike: { "aws:SourceArn": input.sources.map((source) => `arn:aws:s3:::${source.bucket}`) },
      StringEquals: { "aws:SourceAccount": input.accountId },
    },
  };
}

/** Pure: a bucket policy that only refuses plain HTTP (buckets that only their account uses). */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [tlsOnlyStatement(bucketArn)] };
}

/** Default encryption: SSE-S3, or SSE-KMS with a customer managed key and an S3 Bucket Key. */
export type BucketEncryption =
  | { readonly kind: "AES256" }
  | { readonly kind: "aws:kms"; readonly keyArn: pulumi.Input<string> };

/** Pure: the encryption configuration's rules. */
export function encryptionRules(encryption: BucketEncryption) {
  if (encryption.kind === "AES256")
    return [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }];
  // A Bucket Key cuts KMS requests (S3 User Guide, "Reducing the cost of SSE-KMS with Amazon
  // S3 Bucket Keys").
  return [
    {
      applyServerSideEncryptionByDefault: {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: encryption.keyArn,
      },
      bucketKeyEnabled: true,
    },
  ];
}
