/**
 * AWS resources that would have failed or been unsafe on a real account (issue 8, section 2):
 * the controller's IAM, ALB access logs and their bucket, deletion protection, the ALB scheme.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { readStackFile } from "../../infra/config";
import { logBucketName } from "../../infra/aws/access-log-bucket";
import { ingressAnnotations } from "../../infra/aws/ingress-annotations";
import { nodeControllersPolicy } from "../../infra/aws/fleet-iam";
import type { NodeControllersScope, PolicyStatement } from "../../infra/aws/iam-types";
import {
  ELB_OUTPOSTS_LOG_DELIVERY_SERVICE,
  logBucketPolicy,
} from "../../infra/aws/log-bucket-policy";
import { TrafficSwitch } from "../../infra/aws/traffic-switch";
import { StrictFleetMocks } from "../support/fleet-mocks";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

const SCOPE: NodeControllersScope = {
  region: "us-east-1",
  clusterNames: ["storefront-production-nyc-dc1", "storefront-production-iad-dc2"],
  vpcIds: ["vpc-923d5a4fd12aabfe2"],
};

function statementsWith(
  action: string,
  document = nodeControllersPolicy(SCOPE),
): PolicyStatement[] {
  return document.Statement.filter((s) => [s.Action].flat().includes(action));
}

function one(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

describe("AWS resources hold against AWS's own rules", () => {
  describe("the AWS Load Balancer Controller's permissions (node role)", () => {
    it("grant what the controller needs to create, change and delete its ALB", () => {
      const granted = new Set(
        nodeControllersPolicy(SCOPE).Statement.flatMap((s) => [s.Action].flat()),
      );
      for (const action of [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "ec2:CreateSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:CreateTags",
        "ec2:DescribeCoipPools",
        "ec2:GetCoipPoolUsage",
        "acm:DescribeCertificate",
        "cloudwatch:GetMetricData",
      ]) {
        expect(granted.has(action), action).to.equal(true);
      }
      // Outposts have no WAF or Shield; the chart turns both off.
      expect(
        [...granted].filter((a) => /^(waf|wafv2|waf-regional|shield|cognito-idp):/.test(a)),
      ).to.deep.equal([]);
    });

    it("allow creation only with the cluster tag naming one of the stack's clusters", () => {
      const [create] = statementsWith("elasticloadbalancing:CreateLoadBalancer");
      expect(create.Action).to.include("elasticloadbalancing:CreateTargetGroup");
      expect(create.Condition).to.deep.equal({
        StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": SCOPE.clusterNames },
      });
      const [tagOnCreate] = statementsWith("ec2:CreateTags").filter(
        (s) => s.Condition?.StringEquals?.["ec2:CreateAction"] === "CreateSecurityGroup",
      );
      expect(
        tagOnCreate.Condition?.StringEquals?.["aws:RequestTag/elbv2.k8s.aws/cluster"],
      ).to.deep.equal(SCOPE.clusterNames);
    });

    it("scope every mutating ELB call on load balancers and target groups to the controller's own", () => {
      for (const action of [
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "ec2:DeleteSecurityGroup",
      ]) {
        for (const statement of statementsWith(action)) {
          expect(
            statement.Condition?.StringEquals?.["aws:ResourceTag/elbv2.k8s.aws/cluster"],
            action,
          ).to.deep.equal(SCOPE.clusterNames);
        }
      }
    });

    it("grant each action on the resource type it acts on: listener attributes on listeners", () => {
      // Service Authorization Reference, ELB v2: ModifyListenerAttributes takes a listener ARN.
      const statements = statementsWith("elasticloadbalancing:ModifyListenerAttributes");
      expect(statements).to.have.length(1);
      expect(statements[0]).to.deep.equal({
        Sid: "LbcListenerAttributes",
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListenerAttributes"],
        Resource: ["arn:aws:elasticloadbalancing:us-east-1:*:listener/app/*/*/*"],
      });
      // Every ELB action that names listeners names listener ARNs, and no statement that
      // names only load balancers and target groups carries a listener action.
      for (const statement of nodeControllersPolicy(SCOPE).Statement) {
        const resources = [statement.Resource ?? []].flat();
        const listenerActions = [statement.Action]
          .flat()
          .filter((a) => /^elasticloadbalancing:\w*Listener/.test(a) && !/Describe/.test(a));
        if (listenerActions.length === 0 || resources.includes("*")) continue;
        expect(
          resources.some((r) => r.includes(":listener/")),
          `${statement.Sid}: ${listenerActions.join(", ")}`,
        ).to.equal(true);
      }
    });

    it("open security-group rules only in the stack's VPCs, and name only ARNs of its Region", () => {
      const [rules] = statementsWith("ec2:AuthorizeSecurityGroupIngress").filter(
        (s) => s.Condition?.ArnEquals,
      );
      expect(rules.Condition?.ArnEquals).to.deep.equal({
        "ec2:Vpc": ["arn:aws:ec2:us-east-1:*:vpc/vpc-923d5a4fd12aabfe2"],
      });
      for (const statement of nodeControllersPolicy(SCOPE).Statement) {
        for (const resource of [statement.Resource ?? []].flat()) {
          if (resource !== "*") expect(resource).to.match(/^arn:aws:[a-z0-9-]+:us-east-1:/);
        }
      }
      // Resource "*" only for reads and calls IAM cannot scope further.
      const wildcard = nodeControllersPolicy(SCOPE)
        .Statement.filter((s) => s.Resource === "*" && s.Condition === undefined)
        .flatMap((s) => [s.Action].flat());
      expect(wildcard.filter((a) => !/:(Describe|Get|List)/.test(a))).to.deep.equal([]);
    });

    it("are the node role's inline policy, scoped to the stack's clusters", async () => {
      const { resources } = await recordStack("us");
      const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "us-roles-node-controllers");
      const document = JSON.parse(policy.inputs.policy as string) as {
        Statement: PolicyStatement[];
      };
      const [create] = statementsWith("elasticloadbalancing:CreateLoadBalancer", {
        Version: "2012-10-17",
        Statement: document.Statement,
      });
      expect(
        create.Condition?.StringEquals?.["aws:RequestTag/elbv2.k8s.aws/cluster"],
      ).to.deep.equal([
        "storefront-production-nyc-dc1",
        "storefront-production-iad-dc2",
        "storefront-production-ord-dc1",
        "storefront-production-dfw-dc1",
      ]);
    });
  });

  describe("ALB access logs", () => {
    let resources: RecordedResource[];
    before(async () => {
      resources = (await recordStack("us")).resources;
    });

    it("go to one bucket per Region: SSE-S3, no public access, owner-enforced, expiring", () => {
      const [bucket] = ofType(resources, "aws:s3/bucket:Bucket");
      expect(bucket.name).to.equal("us-alb-logs-bucket");
      const id = "storefront-production-us-alb-logs-111122223333";
      expect(bucket.inputs.bucket).to.equal(id);
      const encryption = one(
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "us-alb-logs-encryption",
      );
      expect(encryption.inputs).to.deep.equal({
        bucket: id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
      expect(
        one(
          resources,
          "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
          "us-alb-logs-public-access",
        ).inputs,
      ).to.deep.equal({
        bucket: id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        one(
          resources,
          "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
          "us-alb-logs-ownership",
        ).inputs,
      ).to.deep.equal({ bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } });
      const lifecycle = one(
        resources,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "us-alb-logs-lifecycle",
      );
      expect((lifecycle.inputs.rules as Record<string, unknown>[])[0]).to.deep.include({
        status: "Enabled",
        filter: { prefix: "alb/" },
        expiration: { days: 90 },
      });
    });

    it("are written by ELB's log delivery for Outposts, with bucket-owner-full-control, and only over TLS", () => {
      const policy = one(resources, "aws:s3/bucketPolicy:BucketPolicy", "us-alb-logs-policy");
      const document = JSON.parse(policy.inputs.policy as string) as {
        Statement: PolicyStatement[];
      };
      expect(document.Statement[0]).to.deep.equal({
        Sid: "ElbAccessLogDeliveryOnOutposts",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elb.amazonaws.com" },
        Action: "s3:PutObject",
        Resource:
          "arn:aws:s3:::storefront-production-us-alb-logs-111122223333/alb/*/AWSLogs/111122223333/*",
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      });
      // Not the Region's ELB account: that one writes for ALBs in the Region's own zones only.
      expect(JSON.stringify(document)).to.not.include("127311923021");
      expect(document.Statement[1]).to.deep.include({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });

    it("is named <stack>-alb-logs-<account>, within S3's 63 characters", () => {
      expect(logBucketName("storefront-production-us", "111122223333")).to.equal(
        "storefront-production-us-alb-logs-111122223333",
      );
      const long = logBucketName(`${"a".repeat(40)}-production-apac`, "111122223333");
      expect(long).to.have.length.at.most(63);
      expect(long).to.match(/^a+-alb-logs-111122223333$/);
    });

    it("grant the same Outposts writer whatever the Region", () => {
      for (const region of ["us-east-1", "eu-west-1", "ap-southeast-4"]) {
        const document = logBucketPolicy({
          bucketArn: "arn:aws:s3:::logs",
          prefix: "alb",
          accountId: "111122223333",
        });
        expect(document.Statement[0].Principal, region).to.deep.equal({
          Service: ELB_OUTPOSTS_LOG_DELIVERY_SERVICE,
        });
        expect(document.Statement[0].Resource).to.equal(
          "arn:aws:s3:::logs/alb/*/AWSLogs/111122223333/*",
        );
      }
    });

    it("are on for every EC2 ALB, each under its own prefix", () => {
      for (const alb of ofType(resources, "aws:lb/loadBalancer:LoadBalancer")) {
        const outpost = alb.name.replace(/-alb$/, "");
        expect(alb.inputs.accessLogs).to.deep.include({
          enabled: true,
          prefix: `alb/${outpost}/ec2`,
        });
        expect((alb.inputs.accessLogs as { bucket: string }).bucket).to.match(
          /^storefront-production-us-alb-logs-111122223333$/,
        );
      }
    });

    it("are on for every Ingress ALB, through the controller's load-balancer-attributes", () => {
      const ingress = one(resources, "kubernetes:networking.k8s.io/v1:Ingress", "dfw-dc1-ingress");
      const annotations = (ingress.inputs.metadata as { annotations: Record<string, string> })
        .annotations;
      const attributes =
        annotations["alb.ingress.kubernetes.io/load-balancer-attributes"].split(",");
      expect(attributes).to.include.members([
        "routing.http.drop_invalid_header_fields.enabled=true",
        "deletion_protection.enabled=true",
        "access_logs.s3.enabled=true",
        "access_logs.s3.prefix=alb/dfw-dc1/eks",
      ]);
      expect(attributes.find((a) => a.startsWith("access_logs.s3.bucket="))).to.match(
        /=storefront-production-us-alb-logs-111122223333$/,
      );
    });

    it("can be turned off in config, and then no bucket is made", async () => {
      const off = await recordStack({
        ...readStackFile("us"),
        overrides: { loadBalancer: { accessLogs: { enabled: false, retentionDays: 90 } } },
      });
      expect(ofType(off.resources, "aws:s3/bucket:Bucket")).to.deep.equal([]);
      const alb = one(off.resources, "aws:lb/loadBalancer:LoadBalancer", "nyc-dc1-alb");
      expect(alb.inputs.accessLogs).to.equal(undefined);
    });
  });

  describe("deletion protection and scheme", () => {
    it("deletion protection follows config: on in production, off in staging", async () => {
      const production = await recordStack("us");
      const staging = await recordStack({ ...readStackFile("us"), environment: "staging" });
      const protectedBy = (r: { resources: RecordedResource[] }) =>
        ofType(r.resources, "aws:lb/loadBalancer:LoadBalancer").map(
          (alb) => alb.inputs.enableDeletionProtection,
        );
      expect(protectedBy(production)).to.deep.equal([true, true, true, true]);
      expect(protectedBy(staging)).to.deep.equal([false, false, false, false]);
    });

    it("an internet-facing ALB takes its Outpost's CoIP pool, on EC2 and on the Ingress", async () => {
      const { resources } = await recordStack("us");
      const alb = one(resources, "aws:lb/loadBalancer:LoadBalancer", "nyc-dc1-alb");
      expect(alb.inputs).to.include({
        internal: false,
        customerOwnedIpv4Pool: "ipv4pool-coip-e61ca4afa4cdaf58a",
      });
      const ingress = one(resources, "kubernetes:networking.k8s.io/v1:Ingress", "nyc-dc1-ingress");
      expect(
        (ingress.inputs.metadata as { annotations: Record<string, string> }).annotations,
      ).to.include({
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/customer-owned-ipv4-pool": "ipv4pool-coip-e61ca4afa4cdaf58a",
      });
    });

    it("the Ingress ALB carries the site's tags, its Outpost's among them (controller tags annotation)", async () => {
      const { resources } = await recordStack("us");
      const ingress = one(resources, "kubernetes:networking.k8s.io/v1:Ingress", "ord-dc1-ingress");
      const annotations = (ingress.inputs.metadata as { annotations: Record<string, string> })
        .annotations;
      expect(annotations["alb.ingress.kubernetes.io/tags"].split(",")).to.have.members([
        "Environment=production",
        "Region=us-east-1",
        "DeploymentId=storefront-production-us",
        "ManagedBy=outpost-fleet",
        "Outpost=ord-dc1",
      ]);
    });

    it("an internal ALB has no pool, on EC2 and on the Ingress", async () => {
      const layer = readStackFile("us");
      const outposts = (layer.outposts as Record<string, unknown>[]).map(
        ({ customerOwnedIpv4Pool: _pool, ...o }) => o,
      );
      const { resources } = await recordStack({
        ...layer,
        outposts,
        overrides: { loadBalancer: { scheme: "internal" } },
      });
      const alb = one(resources, "aws:lb/loadBalancer:LoadBalancer", "nyc-dc1-alb");
      expect(alb.inputs.internal).to.equal(true);
      expect(alb.inputs).to.not.have.property("customerOwnedIpv4Pool");
      const annotations = ingressAnnotations({
        subnetId: "subnet-1",
        scheme: "internal",
        customerOwnedIpv4Pool: "ipv4pool-coip-1",
        certificateArn: "arn:cert",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        healthPath: "/health",
        deregistrationDelaySeconds: 15,
        deletionProtection: false,
      });
      expect(annotations["alb.ingress.kubernetes.io/scheme"]).to.equal("internal");
      expect(annotations).to.not.have.property(
        "alb.ingress.kubernetes.io/customer-owned-ipv4-pool",
      );
      expect(annotations["alb.ingress.kubernetes.io/load-balancer-attributes"]).to.include(
        "access_logs.s3.enabled=false",
      );
    });
  });

  it("components take narrow args: a TrafficSwitch stands alone, with no fleet config", async () => {
    const mocks = new StrictFleetMocks("unit", "us-east-1");
    await pulumi.runtime.setMocks(mocks, "outpost-fleet", "unit");
    const traffic = new TrafficSwitch("lab-traffic", {
      outpost: "lab",
      subnetId: "subnet-0123456789abcdef0",
      albSecurityGroupId: "sg-alb",
      certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/x",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
      idleTimeoutSeconds: 30,
      scheme: "internal",
      targetGroupArns: { blue: "arn:tg/blue", green: "arn:tg/green" },
      weights: { blue: 100, green: 0 },
      candidateColor: "green",
      testListenerPort: 9000,
      tags: { Outpost: "lab" },
    });
    const preview = await new Promise<string>((resolve) => traffic.previewEndpoint.apply(resolve));
    await new Promise((resolve) => traffic.testListener.arn.apply(resolve));
    expect(preview).to.match(
      /^https:\/\/lab-alb-[0-9a-f]{8}\.us-east-1\.elb\.amazonaws\.com:9000$/,
    );
    const alb = mocks.resources.find((r) => r.name === "lab-alb");
    expect(alb?.inputs).to.include({ enableDeletionProtection: true, internal: true });
    expect(alb?.inputs).to.not.have.property("accessLogs");
    const test = mocks.resources.find((r) => r.name === "lab-test");
    expect(test?.inputs.defaultActions).to.deep.equal([
      { type: "forward", targetGroupArn: "arn:tg/green" },
    ]);
  });
});
