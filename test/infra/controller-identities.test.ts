/**
 * Where the in-cluster controllers (the AWS Load Balancer Controller, Argo's CloudWatch analysis)
 * get their AWS credentials. AWS documents no IAM roles for service accounts on local clusters
 * and no EKS Pod Identity on Outposts, so there a pod's only identity is the node role, through
 * IMDS; an extended cluster's control plane runs in the Region and has IRSA, so there each
 * controller gets a role of its own and pods are kept from the node role.
 */
import { expect } from "chai";
import { readStackFile, StackLayer } from "../../infra/config";
import { serviceAccountTrustPolicy } from "../../infra/aws/fleet-iam";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function extendedStack(): StackLayer {
  const layer = readStackFile("us");
  const outposts = (layer.outposts as Record<string, unknown>[]).map((o, i) => ({
    ...o,
    clusterKind: "extended",
    regionSubnetIds: [`subnet-0aaaaaaaaaaaaaa${i}a`, `subnet-0bbbbbbbbbbbbbb${i}b`],
  }));
  return { ...layer, outposts };
}

function named(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

const chartValues = (resources: RecordedResource[], name: string) =>
  named(resources, "kubernetes:helm.sh/v3:Release", name).inputs.values as {
    serviceAccount?: { name?: string; annotations?: Record<string, string> };
  };

describe("the controllers' AWS identities", () => {
  it("trust a service account through its cluster's OIDC provider, and only that one", () => {
    const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";
    const provider =
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";
    expect(
      serviceAccountTrustPolicy(provider, issuer, "kube-system", "aws-load-balancer-controller"),
    ).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: provider },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub":
                "system:serviceaccount:kube-system:aws-load-balancer-controller",
              "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud": "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });

  it("local clusters: the node role carries the controllers' permissions, and pods reach it (hop limit 2)", async () => {
    const { resources } = await recordStack("us");
    expect(ofType(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.deep.equal(
      [],
    );
    const controllers = named(
      resources,
      "aws:iam/rolePolicy:RolePolicy",
      "us-roles-node-controllers",
    );
    expect(controllers.inputs.policy).to.include("elasticloadbalancing:CreateLoadBalancer");
    const nodes = named(resources, "aws:ec2/launchTemplate:LaunchTemplate", "nyc-dc1-nodes-lt");
    expect(nodes.inputs.metadataOptions).to.deep.include({ httpPutResponseHopLimit: 2 });
    expect(chartValues(resources, "nyc-dc1-aws-load-balancer-controller").serviceAccount).to.equal(
      undefined,
    );
  });

  describe("extended clusters", () => {
    let resources: RecordedResource[];
    before(async () => {
      ({ resources } = await recordStack(extendedStack()));
    });

    it("register each cluster's OIDC issuer with IAM", () => {
      const providers = ofType(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      expect(providers.map((p) => p.name)).to.have.members(
        ["nyc-dc1", "iad-dc2", "ord-dc1", "dfw-dc1"].map((o) => `${o}-oidc`),
      );
      const nyc = providers.find((p) => p.name === "nyc-dc1-oidc")!;
      expect(nyc.inputs.url).to.match(
        /^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]+$/,
      );
      expect(nyc.inputs.clientIdLists).to.deep.equal(["sts.amazonaws.com"]);
    });

    it("give the load balancer controller a role of its own, for its service account, scoped to its cluster", () => {
      const role = named(resources, "aws:iam/role:Role", "nyc-dc1-lb-controller-role");
      const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as {
        Statement: Statement[];
      };
      expect(trust.Statement[0].Action).to.equal("sts:AssumeRoleWithWebIdentity");
      expect(JSON.stringify(trust.Statement[0].Condition)).to.include(
        "system:serviceaccount:kube-system:aws-load-balancer-controller",
      );
      const policy = named(
        resources,
        "aws:iam/rolePolicy:RolePolicy",
        "nyc-dc1-lb-controller-policy",
      );
      const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] })
        .Statement;
      const create = statements.find((s) =>
        [s.Action].flat().includes("elasticloadbalancing:CreateLoadBalancer"),
      )!;
      expect(create.Condition).to.deep.equal({
        StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": ["storefront-production-nyc-dc1"] },
      });
      expect(
        chartValues(resources, "nyc-dc1-aws-load-balancer-controller").serviceAccount,
      ).to.deep.equal({
        name: "aws-load-balancer-controller",
        annotations: {
          "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/nyc-dc1-lb-controller-role",
        },
      });
    });

    it("give Argo Rollouts a role that reads CloudWatch metrics only", () => {
      const policy = named(
        resources,
        "aws:iam/rolePolicy:RolePolicy",
        "nyc-dc1-argo-rollouts-policy",
      );
      expect(
        (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement,
      ).to.deep.equal([
        {
          Sid: "ArgoAnalysisMetrics",
          Effect: "Allow",
          Action: ["cloudwatch:GetMetricData"],
          Resource: "*",
        },
      ]);
      const role = named(resources, "aws:iam/role:Role", "nyc-dc1-argo-rollouts-role");
      expect(role.inputs.assumeRolePolicy).to.include(
        "system:serviceaccount:argo-rollouts:argo-rollouts",
      );
      expect(chartValues(resources, "nyc-dc1-argo-rollouts").serviceAccount).to.deep.equal({
        name: "argo-rollouts",
        annotations: {
          "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/nyc-dc1-argo-rollouts-role",
        },
      });
    });

    it("keep pods from the node role: no controllers' policy on it, and an IMDS hop limit of 1", () => {
      expect(ofType(resources, "aws:iam/rolePolicy:RolePolicy").map((p) => p.name)).to.not.include(
        "us-roles-node-controllers",
      );
      const nodes = named(resources, "aws:ec2/launchTemplate:LaunchTemplate", "nyc-dc1-nodes-lt");
      expect(nodes.inputs.metadataOptions).to.deep.include({
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    });
  });
});
