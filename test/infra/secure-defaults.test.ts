import { expect } from "chai";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

describe("secure defaults on the Outposts", () => {
  let resources: RecordedResource[];
  before(async () => {
    resources = (await recordStack("us")).resources;
  });

  it("every launch template requires IMDSv2 and encrypts EBS", () => {
    for (const template of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
      expect(template.inputs.metadataOptions, template.name).to.include({ httpTokens: "required" });
      for (const device of template.inputs.blockDeviceMappings as {
        ebs: { encrypted: string };
      }[]) {
        expect(device.ebs.encrypted, template.name).to.equal("true");
      }
    }
  });

  it("a local cluster sits on its Outpost with a private endpoint only", () => {
    const clusters = ofType(resources, "aws:eks/cluster:Cluster");
    expect(clusters).to.have.length(4);
    for (const cluster of clusters) {
      expect(cluster.inputs.vpcConfig).to.include({
        endpointPublicAccess: false,
        endpointPrivateAccess: true,
      });
      const outpostConfig = cluster.inputs.outpostConfig as {
        outpostArns: string[];
        controlPlaneInstanceType: string;
      };
      expect(outpostConfig.outpostArns).to.have.length(1);
      expect(outpostConfig.outpostArns[0]).to.match(
        /^arn:aws:outposts:us-east-1:\d{12}:outpost\/op-/,
      );
      expect(outpostConfig.controlPlaneInstanceType).to.equal("m5.xlarge");
    }
  });

  it("ALBs sit in their one Outpost subnet and drop invalid headers", () => {
    for (const alb of ofType(resources, "aws:lb/loadBalancer:LoadBalancer")) {
      expect(alb.inputs.subnets as string[]).to.have.length(1);
      expect(alb.inputs.dropInvalidHeaderFields).to.equal(true);
    }
  });

  it("serves HTTPS and redirects HTTP", () => {
    const listeners = ofType(resources, "aws:lb/listener:Listener");
    for (const listener of listeners.filter((l) => l.inputs.port === 443)) {
      expect(listener.inputs.protocol).to.equal("HTTPS");
      expect(listener.inputs.certificateArn).to.match(/^arn:aws:acm:us-east-1:/);
    }
    for (const listener of listeners.filter((l) => l.inputs.port === 80)) {
      expect(
        (listener.inputs.defaultActions as { type: string; redirect: unknown }[])[0],
      ).to.deep.include({
        type: "redirect",
        redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
      });
    }
  });

  it("app instances accept traffic only from their ALB", () => {
    const ingress = ofType(
      resources,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    ).filter((r) => r.name.endsWith("-app-in-alb"));
    expect(ingress).to.have.length(4);
    for (const rule of ingress) {
      expect(rule.inputs).to.include({ fromPort: 8080, toPort: 8080 });
      expect(rule.inputs).to.not.have.property("cidrIpv4");
      expect(rule.inputs.referencedSecurityGroupId).to.match(/-alb-sg-id$/);
    }
  });

  it("instance and node roles may only read this stack's config subtree and secrets", async () => {
    const [policy] = ofType(resources, "aws:iam/policy:Policy");
    const document = JSON.parse(policy.inputs.policy as string) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    expect(document.Statement[0].Action).to.deep.equal([
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:GetParametersByPath",
    ]);
    expect(document.Statement[0].Resource).to.deep.equal([
      "arn:aws:ssm:us-east-1:111122223333:parameter/outpost-fleet/production/us/*",
    ]);
    expect(document.Statement[1].Action).to.deep.equal([
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
    ]);
    expect(document.Statement[1].Resource).to.have.length(3);
  });
});
