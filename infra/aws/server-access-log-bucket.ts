import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketCompanions } from "./bucket-companions";
import {
  AccessLogSource,
  accountBucketName,
  serverAccessLogDeliveryStatement,
  tlsOnlyStatement,
} from "./bucket-documents";
import { Tags } from "./tags";

export interface ServerAccessLogBucketArgs {
  /** Names the bucket: `<prefix>-s3-access-logs-<account>`. */
  readonly prefix: string;
  readonly accountId: pulumi.Input<string>;
  /** The buckets whose requests it logs, each under `<key>/`. Same Region and account. */
  readonly sources: readonly { readonly key: string; readonly bucket: pulumi.Input<string> }[];
  /** Days before a log object expires. */
  readonly retentionDays: number;
  readonly tags: Tags;
}

/**
 * The bucket that the stack's other buckets log their requests into (S3 server access logging;
 * AWSGuard's s3-bucket-logging-enabled, Security Hub S3.9), and the logging of each source.
 * S3 delivers to a bucket of the source's own Region and account only, with default encryption
 * SSE-S3 only (not SSE-KMS), and no Object Lock; the target logs nowhere itself, since logging
 * into itself loops (S3 User Guide, "Enabling Amazon S3 server access logging":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
 */
export class ServerAccessLogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;

  constructor(
    name: string,
    args: ServerAccessLogBucketArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("outpost-fleet:logging:ServerAccessLogBucket", name, {}, opts);
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: pulumi
          .output(args.accountId)
          .apply((account) => accountBucketName(args.prefix, "s3-access-logs", account)),
        forceDestroy: false,
        tags: args.tags,
      },
      parent,
    );
    const policy = pulumi
      .all([
        bucket.arn,
        pulumi.output(args.accountId),
        pulumi.all(args.sources.map((source) => pulumi.output(source.bucket))),
      ])
      .apply(([targetBucketArn, accountId, buckets]) => {
        const sources: AccessLogSource[] = args.sources.map((source, i) => ({
          key: source.key,
          bucket: buckets[i],
        }));
        return JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            serverAccessLogDeliveryStatement({ targetBucketArn, sources, accountId }),
            tlsOnlyStatement(targetBucketArn),
          ],
        });
      });
    const { policy: bucketPolicy } = bucketCompanions(this, name, {
      bucketName: bucket.bucket,
      encryption: { kind: "AES256" },
      lifecycleRules: [
        {
          id: "expire-server-access-logs",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
      policy,
    });
    // The sources start logging once the delivery grant is in place.
    this.bucketName = pulumi
      .all([bucket.bucket, bucketPolicy.id])
      .apply(([bucketName]) => bucketName);
    for (const source of args.sources) {
      new aws.s3.BucketLogging(
        `${name}-${source.key}-logging`,
        { bucket: source.bucket, targetBucket: this.bucketName, targetPrefix: `${source.key}/` },
        parent,
      );
    }
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
