import { expect } from "chai";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

/** Resources each Outpost gets, by type, with EKS enabled (the example fleet's setting). */
const PER_OUTPOST: Record<string, number> = {
  "aws:ec2/launchTemplate:LaunchTemplate": 3, // blue, green, EKS nodes
  "aws:autoscaling/group:Group": 3,
  "aws:lb/targetGroup:TargetGroup": 2,
  "aws:lb/loadBalancer:LoadBalancer": 1,
  "aws:lb/listener:Listener": 3, // HTTPS, the candidate's test listener, HTTP redirect
  "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
  "aws:ec2/securityGroup:SecurityGroup": 2,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 4, // 80, 443, test port; app from ALB
  "aws:eks/cluster:Cluster": 1,
  "kubernetes:argoproj.io/v1alpha1:Rollout": 1,
  "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate": 1,
  "kubernetes:helm.sh/v3:Release": 2,
};

/** Per region stack: the dashboard; the ALB log bucket and its server-access-log bucket. */
const STACK_WIDE: Record<string, number> = {
  "aws:cloudwatch/dashboard:Dashboard": 1,
  "aws:s3/bucket:Bucket": 2,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 2,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 2,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 2,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 2,
  "aws:s3/bucketPolicy:BucketPolicy": 2,
  "aws:s3/bucketLogging:BucketLogging": 1,
};

describe("example stacks under strict mocks", () => {
  for (const stack of ["us", "eu", "apac"]) {
    it(`${stack}: builds every Outpost's resources`, async () => {
      const { resources, outputs } = await recordStack(stack);
      for (const [type, count] of Object.entries(PER_OUTPOST)) {
        expect(ofType(resources, type), type).to.have.length(4 * count);
      }
      for (const [type, count] of Object.entries(STACK_WIDE)) {
        expect(ofType(resources, type), type).to.have.length(count);
      }
      const outposts = outputs.outposts as Record<
        string,
        { endpoint: string; previewEndpoint: string; activeColor: string; rollout: unknown }
      >;
      expect(Object.keys(outposts)).to.have.length(4);
      for (const site of Object.values(outposts)) {
        expect(site.endpoint).to.match(/^https:\/\/.+\.elb\.amazonaws\.com$/);
        expect(site.activeColor).to.equal("blue");
        expect(site.previewEndpoint).to.equal(`${site.endpoint}:8443`);
        expect(site.rollout).to.deep.include({
          name: "storefront",
          namespace: "storefront",
          version: "2.0.0",
          stableService: "storefront-stable",
          canaryService: "storefront-canary",
        });
      }
      expect(outputs.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
    });
  }

  it("gives all three regions the same fingerprint", async () => {
    const prints = await Promise.all(
      ["us", "eu", "apac"].map(async (s) => (await recordStack(s)).outputs.fingerprint),
    );
    expect(new Set(prints).size).to.equal(1);
  });

  it("looks up each color's AMI by its version's name", async () => {
    const { resources } = await recordStack("us");
    const blue = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find(
      (r) => r.name === "nyc-dc1-blue-lt",
    );
    expect(blue?.inputs.imageId).to.match(/^ami-[0-9a-f]{17}$/);
  });
});
