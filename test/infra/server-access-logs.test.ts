/**
 * S3 server access logging of every bucket the program makes (AWSGuard's
 * s3-bucket-logging-enabled, Security Hub S3.9): each Region's ALB log bucket, and the control
 * plane's artifacts and state buckets, log their requests into a log bucket of their own Region
 * and account, which itself logs nowhere (a log bucket logging into itself loops).
 */
import { expect } from "chai";
import { readStackFile } from "../../infra/config";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

const ACCOUNT = "111122223333";

function one(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

function deliveryStatement(target: string, sources: { key: string; bucket: string }[]) {
  return {
    Sid: "S3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: sources.map((s) => `arn:aws:s3:::${target}/${s.key}/*`),
    Condition: {
      ArnLike: { "aws:SourceArn": sources.map((s) => `arn:aws:s3:::${s.bucket}`) },
      StringEquals: { "aws:SourceAccount": ACCOUNT },
    },
  };
}

describe("S3 server access logs", () => {
  describe("on a fleet stack", () => {
    let resources: RecordedResource[];
    before(async () => {
      ({ resources } = await recordStack("eu"));
    });
    const target = `storefront-production-eu-s3-access-logs-${ACCOUNT}`;
    const source = `storefront-production-eu-alb-logs-${ACCOUNT}`;

    it("go from the ALB log bucket to the Region's access-log bucket, under its own prefix", () => {
      expect(
        one(resources, "aws:s3/bucketLogging:BucketLogging", "eu-s3-access-logs-alb-logs-logging")
          .inputs,
      ).to.deep.equal({ bucket: source, targetBucket: target, targetPrefix: "alb-logs/" });
      expect(ofType(resources, "aws:s3/bucketLogging:BucketLogging")).to.have.length(1);
    });

    it("land in a private, SSE-S3, TLS-only bucket that only S3's log delivery may write, for its sources", () => {
      const bucket = one(resources, "aws:s3/bucket:Bucket", "eu-s3-access-logs-bucket");
      expect(bucket.inputs.bucket).to.equal(target);
      expect(
        one(
          resources,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          "eu-s3-access-logs-encryption",
        ).inputs.rules,
      ).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      expect(
        one(
          resources,
          "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
          "eu-s3-access-logs-ownership",
        ).inputs.rule,
      ).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
      const policy = JSON.parse(
        one(resources, "aws:s3/bucketPolicy:BucketPolicy", "eu-s3-access-logs-policy").inputs
          .policy as string,
      ) as { Statement: Record<string, unknown>[] };
      expect(policy.Statement[0]).to.deep.equal(
        deliveryStatement(target, [{ key: "alb-logs", bucket: source }]),
      );
      expect(policy.Statement[1]).to.deep.include({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      const lifecycle = one(
        resources,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "eu-s3-access-logs-lifecycle",
      );
      expect((lifecycle.inputs.rules as Record<string, unknown>[])[0]).to.deep.include({
        status: "Enabled",
        expiration: { days: 90 },
      });
      // The log bucket itself logs nowhere.
      expect(
        ofType(resources, "aws:s3/bucketLogging:BucketLogging").map((l) => l.inputs.bucket),
      ).to.not.include(target);
    });

    it("are not made when the ALB logs are off: no bucket then", async () => {
      const off = await recordStack({
        ...readStackFile("eu"),
        overrides: { loadBalancer: { accessLogs: { enabled: false, retentionDays: 90 } } },
      });
      expect(ofType(off.resources, "aws:s3/bucket:Bucket")).to.deep.equal([]);
      expect(ofType(off.resources, "aws:s3/bucketLogging:BucketLogging")).to.deep.equal([]);
    });
  });

  describe("on the control stack", () => {
    let resources: RecordedResource[];
    before(async () => {
      ({ resources } = await recordStack("control", { secrets: {} }));
    });
    const target = `outpost-fleet-s3-access-logs-${ACCOUNT}`;

    it("go from the artifacts and state buckets to the control plane's access-log bucket", () => {
      const loggings = ofType(resources, "aws:s3/bucketLogging:BucketLogging").map((l) => l.inputs);
      expect(loggings).to.have.deep.members([
        {
          bucket: `outpost-fleet-artifacts-${ACCOUNT}`,
          targetBucket: target,
          targetPrefix: "artifacts/",
        },
        { bucket: `outpost-fleet-state-${ACCOUNT}`, targetBucket: target, targetPrefix: "state/" },
      ]);
      const policy = JSON.parse(
        one(resources, "aws:s3/bucketPolicy:BucketPolicy", "outpost-fleet-s3-access-logs-policy")
          .inputs.policy as string,
      ) as { Statement: Record<string, unknown>[] };
      expect(policy.Statement[0]).to.deep.equal(
        deliveryStatement(target, [
          { key: "artifacts", bucket: `outpost-fleet-artifacts-${ACCOUNT}` },
          { key: "state", bucket: `outpost-fleet-state-${ACCOUNT}` },
        ]),
      );
      // SSE-S3: S3 delivers server access logs only to a bucket without default SSE-KMS.
      expect(
        one(
          resources,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          "outpost-fleet-s3-access-logs-encryption",
        ).inputs.rules,
      ).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });
  });
});
