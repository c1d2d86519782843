import { expect } from "chai";
import { awsAuthRoleArn } from "../../infra/aws/fleet-iam";
import { renderNodeUserData } from "../../infra/aws/node-bootstrap";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

describe("self-managed EKS nodes", () => {
  it("join a local cluster by its id, labelled with their Outpost", () => {
    const script = renderNodeUserData({
      clusterName: "storefront-production-nyc-dc1",
      clusterKind: "local",
      clusterId: "0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
      endpoint: "https://10.0.0.10",
      certificateAuthority: "Q0E=",
      outpost: "nyc-dc1",
    });
    expect(script).to.include("/etc/eks/bootstrap.sh storefront-production-nyc-dc1 ");
    expect(script).to.include(
      "--enable-local-outpost true --cluster-id 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
    );
    expect(script).to.include("--node-labels=outpost-fleet/outpost=nyc-dc1");
  });

  it("are mapped in aws-auth by their role's ARN without its path", () => {
    expect(
      awsAuthRoleArn("arn:aws:iam::111122223333:role/outpost-fleet/eks-nodes/us-roles-node"),
    ).to.equal("arn:aws:iam::111122223333:role/us-roles-node");
    expect(awsAuthRoleArn("arn:aws-us-gov:iam::111122223333:role/plain")).to.equal(
      "arn:aws-us-gov:iam::111122223333:role/plain",
    );
  });

  it("run on the Outpost subnet from the AL2 EKS AMI, tagged for their cluster, mapped in aws-auth", async () => {
    const { resources, calls } = await recordStack("us");
    const groups = ofType(resources, "aws:autoscaling/group:Group").filter((r) =>
      r.name.endsWith("-nodes-asg"),
    );
    expect(groups).to.have.length(4);
    const nyc = groups.find((g) => g.name === "nyc-dc1-nodes-asg");
    expect(nyc?.inputs.vpcZoneIdentifiers).to.deep.equal(["subnet-16fdaeeb975729fae"]);
    expect(nyc?.inputs.tags).to.deep.include({
      key: "kubernetes.io/cluster/storefront-production-nyc-dc1",
      value: "owned",
      propagateAtLaunch: true,
    });
    expect(calls).to.include("aws:ssm/getParameter:getParameter");
    const template = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find(
      (r) => r.name === "nyc-dc1-nodes-lt",
    );
    expect(template?.inputs.metadataOptions).to.deep.include({
      httpTokens: "required",
      httpPutResponseHopLimit: 2,
    });
    const awsAuth = ofType(resources, "kubernetes:core/v1:ConfigMap").find(
      (r) => r.name === "nyc-dc1-aws-auth",
    );
    const mapRoles = JSON.parse((awsAuth?.inputs.data as { mapRoles: string }).mapRoles) as {
      rolearn: string;
      groups: string[];
    }[];
    // aws-auth takes a role ARN without its path (EKS User Guide, the aws-auth ConfigMap),
    // while the node role sits under /outpost-fleet/eks-nodes/.
    expect(mapRoles[0].rolearn).to.equal("arn:aws:iam::111122223333:role/us-roles-node");
    const profile = ofType(resources, "aws:iam/instanceProfile:InstanceProfile").find(
      (r) => r.name === "us-roles-node",
    );
    expect(profile?.inputs.role).to.equal("us-roles-node");
    expect(mapRoles[0].groups).to.deep.equal(["system:bootstrappers", "system:nodes"]);
  });
});
