import { expect } from "chai";
import { outpostPlacement } from "../../policies/outpost-placement";
import { failures, violations } from "./support/check";
import { stackUrn } from "./support/recorded";
import {
  autoScalingGroup,
  eksCluster,
  loadBalancer,
  OUTPOST,
  OUTPOST_ARN,
  stackOutputs,
  SUBNET,
  targetGroup,
  VPC,
  withProp,
} from "./support/policy-fixtures";

describe("policies: outpost-placement", () => {
  const config = {
    "outpost-placement": {
      outposts: [
        { name: OUTPOST, arn: OUTPOST_ARN, subnetId: SUBNET, vpcId: VPC },
        {
          name: "iad-dc2",
          arn: "arn:aws:outposts:us-east-1:111122223333:outpost/op-28f219e9cb0eb53f1",
          subnetId: "subnet-6947ccf25ec84d8db",
        },
      ],
    },
  };
  const other = "subnet-6947ccf25ec84d8db";

  it("passes an ASG, an ALB, a target group and a local cluster in their Outpost's subnet, VPC and ARN", async () => {
    const resources = [autoScalingGroup(), loadBalancer(), targetGroup(), eksCluster()];
    expect(await violations([outpostPlacement], resources, config)).to.deep.equal([]);
  });

  it("fails an ASG in another Outpost's subnet", async () => {
    const asg = autoScalingGroup();
    const [v, ...rest] = await failures(
      [outpostPlacement],
      [withProp(asg, "vpcZoneIdentifiers", [other])],
      config,
    );
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      `vpcZoneIdentifiers has "${other}", outside the subnet of Outpost ${OUTPOST} (${SUBNET}).`,
    );
    expect(v.urn).to.equal(asg.urn);
  });

  it("fails an ALB that spans a second subnet", async () => {
    const [v, w] = await failures(
      [outpostPlacement],
      [withProp(loadBalancer(), "subnets", [SUBNET, other])],
      config,
    );
    expect(v.message).to.contain(`subnets has "${other}"`);
    expect(w.message).to.equal("spans 2 subnets; an Outpost ALB uses exactly one.");
  });

  it("fails a local cluster on an undeclared Outpost ARN", async () => {
    const arn = "arn:aws:outposts:us-east-1:111122223333:outpost/op-00000000000000000";
    const [v] = await failures(
      [outpostPlacement],
      [withProp(eksCluster(), "outpostConfig.outpostArns", [arn])],
      config,
    );
    expect(v.message).to.equal(
      `outpostConfig.outpostArns has "${arn}", outside the Outpost ARN of Outpost ${OUTPOST} (${OUTPOST_ARN}).`,
    );
  });

  it("fails a target group in another VPC", async () => {
    const [v] = await failures(
      [outpostPlacement],
      [withProp(targetGroup(), "vpcId", "vpc-0000000000000000a")],
      config,
    );
    expect(v.message).to.contain(
      'vpcId has "vpc-0000000000000000a", outside the VPC of Outpost nyc-dc1',
    );
  });

  it("fails a resource tagged with an Outpost the config does not declare", async () => {
    const [v] = await failures(
      [outpostPlacement],
      [withProp(autoScalingGroup(), "tags.2.value", "lax-dc9")],
      config,
    );
    expect(v.message).to.equal(
      'belongs to Outpost "lax-dc9" (tag Outpost), which the config does not declare; declared: nyc-dc1, iad-dc2.',
    );
  });

  it("without policy config, skips with one advisory note on the stack", async () => {
    const found = await violations(
      [outpostPlacement],
      [stackOutputs(), autoScalingGroup(), loadBalancer()],
    );
    expect(found).to.have.length(1);
    expect(found[0].level).to.equal("advisory");
    expect(found[0].urn).to.equal(stackUrn("us"));
    expect(found[0].message).to.contain(
      "outpost-placement did not run: its policy config sets no outposts",
    );
  });
});
