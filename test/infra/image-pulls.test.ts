/**
 * The release image reaches every Region's nodes: replication puts it in the control account's
 * registry in each fleet Region, and the EKS nodes of the region accounts pull it from there
 * across accounts, which the repository's policy must allow (and only to them).
 */
import { expect } from "chai";
import { EKS_NODE_ROLE_PATH } from "../../infra/aws/fleet-iam";
import { imagePullPolicy } from "../../infra/control/image-pull-policy";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

const ACCOUNTS = ["111122223333", "444455556666", "777788889999"];

const EXPECTED = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "FleetNodesPullReleaseImages",
      Effect: "Allow",
      Principal: { AWS: ACCOUNTS.map((a) => `arn:aws:iam::${a}:root`) },
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": ACCOUNTS.map(
            (a) => `arn:aws:iam::${a}:role/outpost-fleet/eks-nodes/*`,
          ),
        },
      },
    },
  ],
};

describe("cross-account image pulls", () => {
  let control: RecordedResource[];
  before(async () => {
    control = (await recordStack("control", { secrets: {} })).resources;
  });

  it("puts every fleet stack's node role under the path the pull policy names", async () => {
    expect(EKS_NODE_ROLE_PATH).to.equal("/outpost-fleet/eks-nodes/");
    for (const stack of ["us", "eu"]) {
      const { resources } = await recordStack(stack);
      const node = ofType(resources, "aws:iam/role:Role").find(
        (r) => r.name === `${stack}-roles-node`,
      );
      expect(node?.inputs.path, stack).to.equal(EKS_NODE_ROLE_PATH);
      // The other roles keep the default path: the policy admits nodes only.
      const others = ofType(resources, "aws:iam/role:Role").filter((r) => r !== node);
      expect(others.map((r) => r.inputs.path)).to.deep.equal(others.map(() => undefined));
    }
  });

  it("is a pure document: the fleet accounts' node roles may pull, nobody else", () => {
    expect(
      imagePullPolicy(["444455556666", "111122223333", "777788889999", "444455556666"]),
    ).to.deep.equal(EXPECTED);
  });

  it("gives every replica that policy through its Region's creation template", () => {
    const templates = ofType(
      control,
      "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    );
    expect(templates.map((t) => t.inputs.region)).to.deep.equal(["eu-west-1", "ap-southeast-1"]);
    for (const template of templates) {
      expect(JSON.parse(template.inputs.repositoryPolicy as string), template.name).to.deep.equal(
        EXPECTED,
      );
    }
  });

  it("sets the same policy on the source repository, for region accounts in us-east-1", () => {
    const [policy] = ofType(control, "aws:ecr/repositoryPolicy:RepositoryPolicy");
    expect(policy.name).to.equal("outpost-fleet-images-pull-policy");
    expect(policy.inputs.repository).to.equal("storefront");
    expect(JSON.parse(policy.inputs.policy as string)).to.deep.equal(EXPECTED);
  });
});
