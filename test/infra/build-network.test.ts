/**
 * The network path of the driver's builds: a local cluster's API endpoint is private only, and
 * so are internal ALBs, so the deploy and validation projects run in a VPC whose subnets route
 * to every fleet Region's Outposts, with the IAM CodeBuild needs for VPC builds.
 */
import { expect } from "chai";
import { ConfigValidationError, readStackFile, StackLayer } from "../../infra/config";
import { BUILD_PROJECT_KINDS } from "../../infra/control/build-specs";
import { loadControlConfig } from "../../infra/control/control-config";
import { buildProjectPolicy, ControlArns } from "../../infra/control/pipeline-iam";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

const ACCOUNT = "111122223333";
const VPC = "vpc-0c4f2e8a1b3d5f701";
const SUBNETS = ["subnet-0a2c4e6f8b1d3f5a7", "subnet-0b3d5f7a9c2e4f6b8"];
const SUBNET_ARNS = SUBNETS.map((s) => `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${s}`);
const GROUP = "sg-0d6e8f0a2b4c6d8e0";

function controlLayer(change: (control: Record<string, unknown>) => void): StackLayer {
  const layer = readStackFile("control");
  const control = structuredClone(layer.control) as Record<string, unknown>;
  change(control);
  return { ...layer, control };
}

function problemsOf(layer: StackLayer): { key: string; value: unknown; allowed: string }[] {
  try {
    loadControlConfig(layer);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
}

const ARNS: ControlArns = {
  region: "us-east-1",
  accountId: ACCOUNT,
  keyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`,
  artifactsBucketArn: "arn:aws:s3:::artifacts",
  stateBucketArn: "arn:aws:s3:::state",
  repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/storefront`,
  topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:releases`,
  backendUrlParameterArn: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/outpost-fleet/pulumi-backend-url`,
  deployRoleArns: [`arn:aws:iam::${ACCOUNT}:role/deploy`],
  buildNetwork: {
    subnetArns: SUBNET_ARNS,
    securityGroupArns: [`arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-build`],
  },
};

describe("the build network (control stack)", () => {
  let resources: RecordedResource[];
  before(async () => {
    ({ resources } = await recordStack("control", { secrets: {} }));
  });

  it("runs the deploy and validation projects in the build VPC, and no other project", () => {
    for (const kind of BUILD_PROJECT_KINDS) {
      const [project] = ofType(resources, "aws:codebuild/project:Project").filter(
        (p) => p.name === `outpost-fleet-builds-${kind}`,
      );
      const inVpc = kind === "deploy" || kind === "infra-validation";
      expect(project.inputs.vpcConfig, kind).to.deep.equal(
        inVpc ? { vpcId: VPC, subnets: SUBNETS, securityGroupIds: [GROUP] } : undefined,
      );
    }
  });

  it("grants the VPC-build permissions CodeBuild documents, to the VPC projects only", () => {
    for (const kind of BUILD_PROJECT_KINDS) {
      const statements = buildProjectPolicy(kind, `outpost-fleet-${kind}`, ARNS).Statement.filter(
        (s) => s.Sid?.startsWith("BuildNetwork"),
      );
      if (kind !== "deploy" && kind !== "infra-validation") {
        expect(statements, kind).to.deep.equal([]);
        continue;
      }
      expect(statements, kind).to.deep.equal([
        {
          // Describe calls have no resource-level permissions.
          Sid: "BuildNetworkReads",
          Effect: "Allow",
          Action: [
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          Resource: "*",
        },
        {
          Sid: "BuildNetworkInterfaces",
          Effect: "Allow",
          Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
          Resource: [
            `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/*`,
            ...SUBNET_ARNS,
            `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-build`,
          ],
        },
        {
          Sid: "BuildNetworkInterfacePermission",
          Effect: "Allow",
          Action: "ec2:CreateNetworkInterfacePermission",
          Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/*`,
          Condition: {
            StringEquals: {
              "ec2:Subnet": SUBNET_ARNS,
              "ec2:AuthorizedService": "codebuild.amazonaws.com",
            },
          },
        },
      ]);
    }
  });

  it("names the stack's own subnets and security group in the recorded policies", () => {
    for (const name of ["deploy", "infra-validation"]) {
      const policy = ofType(resources, "aws:iam/rolePolicy:RolePolicy").find(
        (p) => p.name === `outpost-fleet-builds-${name}-policy`,
      )!;
      const document = JSON.parse(policy.inputs.policy as string) as {
        Statement: { Sid?: string; Resource?: string | string[] }[];
      };
      expect(
        document.Statement.find((s) => s.Sid === "BuildNetworkInterfaces")?.Resource,
      ).to.deep.equal([
        `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/*`,
        ...SUBNET_ARNS,
        `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${GROUP}`,
      ]);
    }
  });
});

describe("the build network (control config)", () => {
  it("is required: without it the driver can't reach a private cluster endpoint", () => {
    const problems = problemsOf(
      controlLayer((c) => {
        delete c.buildNetwork;
      }),
    );
    expect(problems).to.deep.equal([
      {
        key: "outpost-fleet:control.buildNetwork",
        value: undefined,
        allowed:
          "is required: {vpcId, subnetIds, securityGroupIds, reaches}, the VPC the deploy and validation projects run in, whose subnets route to every fleet Region's Outposts (local clusters' API endpoints and internal ALBs are private; docs/pipeline.md, The build network)",
      },
    ]);
  });

  it("refuses a control stack whose fleet Regions the build network does not reach, naming each", () => {
    const problems = problemsOf(
      controlLayer((c) => {
        (c.buildNetwork as Record<string, unknown>).reaches = ["us-east-1"];
      }),
    );
    expect(problems).to.deep.equal([
      {
        key: "outpost-fleet:control.buildNetwork.reaches",
        value: ["us-east-1"],
        allowed:
          "must list every Region of fleetRegions; eu-west-1, ap-southeast-1 have no build network: route the build subnets to those Regions' Outpost VPCs (Transit Gateway peering, Direct Connect) and list them",
      },
    ]);
  });

  it("names a malformed VPC id, and a subnet listed twice", () => {
    const everywhere = ["us-east-1", "eu-west-1", "ap-southeast-1"];
    const malformed = problemsOf(
      controlLayer((c) => {
        c.buildNetwork = {
          vpcId: "vpc-1",
          subnetIds: SUBNETS,
          securityGroupIds: [GROUP],
          reaches: everywhere,
        };
      }),
    );
    expect(malformed).to.deep.equal([
      {
        key: "outpost-fleet:control.buildNetwork.vpcId",
        value: "vpc-1",
        allowed: "must be a VPC id, for example vpc-0123456789abcdef0",
      },
    ]);
    const twice = problemsOf(
      controlLayer((c) => {
        c.buildNetwork = {
          vpcId: VPC,
          subnetIds: [SUBNETS[0], SUBNETS[0]],
          securityGroupIds: [GROUP],
          reaches: everywhere,
        };
      }),
    );
    expect(twice).to.deep.equal([
      {
        key: "outpost-fleet:control.buildNetwork.subnetIds",
        value: [SUBNETS[0], SUBNETS[0]],
        allowed: "must list each subnet once",
      },
    ]);
  });
});
