import { expect } from "chai";
import {
  s3BucketEncryption,
  s3BucketLogging,
  s3PublicAccessBlock,
  s3TlsOnly,
} from "../../policies/s3-buckets";
import { failures } from "./support/check";
import {
  LOG_BUCKET,
  logBucket,
  res,
  SERVER_ACCESS_LOG_BUCKET,
  serverAccessLogging,
  withProp,
} from "./support/policy-fixtures";
import { PackResource } from "./support/run-pack";

const ALL = [s3BucketEncryption, s3PublicAccessBlock, s3TlsOnly];

function change(resources: PackResource[], name: string, path: string, value: unknown) {
  return resources.map((r) => (r.name === name ? withProp(r, path, value) : r));
}
const without = (resources: PackResource[], name: string) =>
  resources.filter((r) => r.name !== name);

describe("policies: S3 buckets", () => {
  it("pass the access-log bucket with its encryption, public-access block and TLS-only policy", async () => {
    expect(await failures(ALL, logBucket())).to.deep.equal([]);
  });

  describe("s3-bucket-encryption", () => {
    it("fails a bucket without an encryption configuration", async () => {
      const [v] = await failures(
        [s3BucketEncryption],
        without(logBucket(), "us-alb-logs-encryption"),
      );
      expect(v.message).to.equal(
        "bucket us-alb-logs-bucket has no server-side encryption configuration.",
      );
      expect(v.urn).to.equal(logBucket()[0].urn);
    });

    it("fails an encryption configuration that names another bucket", async () => {
      const resources = change(logBucket(), "us-alb-logs-encryption", "bucket", "someone-else");
      expect(await failures([s3BucketEncryption], resources)).to.have.length(1);
    });

    it("fails an unknown algorithm, and AES256 where KMS is required", async () => {
      const resources = change(logBucket(), "us-alb-logs-encryption", "rules", [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "none" } },
      ]);
      const [v] = await failures([s3BucketEncryption], resources);
      expect(v.message).to.contain('encrypts with "none"');
      const [kms] = await failures([s3BucketEncryption], logBucket(), {
        "s3-bucket-encryption": { requireKms: true },
      });
      expect(kms.message).to.equal(
        "bucket us-alb-logs-bucket encrypts with AES256; this fleet requires aws:kms.",
      );
    });
  });

  describe("s3-public-access-block", () => {
    it("fails a bucket without a public access block", async () => {
      const [v] = await failures(
        [s3PublicAccessBlock],
        without(logBucket(), "us-alb-logs-public-access"),
      );
      expect(v.message).to.equal("bucket us-alb-logs-bucket has no public access block.");
    });

    it("fails a block that leaves one setting off", async () => {
      const resources = change(
        logBucket(),
        "us-alb-logs-public-access",
        "restrictPublicBuckets",
        false,
      );
      const [v] = await failures([s3PublicAccessBlock], resources);
      expect(v.message).to.equal(
        "bucket us-alb-logs-bucket's public access block leaves restrictPublicBuckets off; set all four to true.",
      );
    });
  });

  describe("s3-tls-only", () => {
    it("fails a bucket without a policy", async () => {
      const [v] = await failures([s3TlsOnly], without(logBucket(), "us-alb-logs-policy"));
      expect(v.message).to.contain("has no policy that denies requests without TLS");
    });

    it("fails a policy that allows plain HTTP", async () => {
      const resources = change(
        logBucket(),
        "us-alb-logs-policy",
        "policy",
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }],
        }),
      );
      expect(await failures([s3TlsOnly], resources)).to.have.length(1);
    });
  });

  it("s3-bucket-encryption's requireKms exempts a bucket that receives server access logs", async () => {
    const target = [
      ...serverAccessLogging(),
      res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "us-s3-access-logs-encryption",
        {
          bucket: SERVER_ACCESS_LOG_BUCKET,
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
      ),
    ];
    const found = await failures([s3BucketEncryption], [...logBucket(), ...target], {
      "s3-bucket-encryption": { requireKms: true },
    });
    expect(found.map((v) => v.message)).to.deep.equal([
      "bucket us-alb-logs-bucket encrypts with AES256; this fleet requires aws:kms.",
    ]);
  });

  describe("s3-bucket-logging", () => {
    const logged = () => [...logBucket(), ...serverAccessLogging()];

    it("passes a bucket that logs into another bucket, and that log bucket, which logs nowhere", async () => {
      expect(await failures([s3BucketLogging], logged())).to.deep.equal([]);
    });

    it("fails a bucket without server access logging", async () => {
      const [v, ...rest] = await failures([s3BucketLogging], logBucket());
      expect(rest).to.deep.equal([]);
      expect(v.message).to.equal(
        `bucket us-alb-logs-bucket has no server access logging; log its requests into the Region's access-log bucket (an aws:s3/bucketLogging:BucketLogging with a targetBucket).`,
      );
      expect(v.urn).to.equal(logBucket()[0].urn);
    });

    it("fails a logging whose target is the bucket itself (a loop) or no bucket of the stack", async () => {
      const self = change(
        logged(),
        "us-s3-access-logs-alb-logs-logging",
        "targetBucket",
        LOG_BUCKET,
      );
      const [loop] = await failures([s3BucketLogging], self);
      expect(loop.message).to.equal(
        `bucket us-alb-logs-bucket logs its requests into itself, which loops; log into the Region's access-log bucket.`,
      );
      const elsewhere = change(logged(), "us-s3-access-logs-alb-logs-logging", "targetBucket", "x");
      const [unknown] = await failures([s3BucketLogging], elsewhere);
      expect(unknown.message).to.equal(
        `bucket us-alb-logs-bucket logs into "x", which is no bucket of this stack; the access-log bucket must be one the stack makes, in its Region and account.`,
      );
    });

    it("fails a log bucket that logs its own requests anywhere", async () => {
      const both = [
        ...logged(),
        withProp(serverAccessLogging(SERVER_ACCESS_LOG_BUCKET)[1], "targetBucket", LOG_BUCKET),
      ].map((r, i) => (i === 6 ? { ...r, name: "loop-logging", urn: `${r.urn}-loop` } : r));
      const found = await failures([s3BucketLogging], both);
      expect(found.map((v) => v.message)).to.include(
        `bucket us-s3-access-logs-bucket receives server access logs and logs its own requests too; a log bucket's access logs loop, leave its logging off.`,
      );
    });
  });
});
