import { expect } from "chai";
import { outpostCapacity } from "../../policies/outpost-capacity";
import { failures, violations } from "./support/check";
import {
  autoScalingGroup,
  eksCluster,
  launchTemplate,
  loadBalancer,
  OUTPOST,
  stackOutputs,
  withProp,
} from "./support/policy-fixtures";

describe("policies: outpost-capacity", () => {
  const config = {
    "outpost-capacity": {
      outposts: [
        {
          name: OUTPOST,
          instanceTypes: ["m5.xlarge", "c5.xlarge"],
          capacity: { min: 2, desired: 3, max: 6, maxInstances: 12 },
        },
      ],
    },
  };

  it("passes instance types the Outpost has and sizes within its limits", async () => {
    const resources = [
      launchTemplate(),
      autoScalingGroup(),
      autoScalingGroup("green", "2.0.0", { min: 0, desired: 0, max: 6 }),
      eksCluster(),
      loadBalancer(),
    ];
    expect(await violations([outpostCapacity], resources, config)).to.deep.equal([]);
  });

  it("fails an instance type the Outpost doesn't have", async () => {
    const lt = launchTemplate();
    const [v, ...rest] = await failures(
      [outpostCapacity],
      [withProp(lt, "instanceType", "m5.24xlarge")],
      config,
    );
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      `instanceType is m5.24xlarge, which Outpost ${OUTPOST} does not have; it has m5.xlarge, c5.xlarge.`,
    );
    expect(v.urn).to.equal(lt.urn);
  });

  it("fails a control plane instance type the Outpost doesn't have", async () => {
    const [v] = await failures(
      [outpostCapacity],
      [withProp(eksCluster(), "outpostConfig.controlPlaneInstanceType", "r5.large")],
      config,
    );
    expect(v.message).to.contain("outpostConfig.controlPlaneInstanceType is r5.large");
  });

  it("fails an ASG larger than the Outpost allows per group", async () => {
    const [v] = await failures(
      [outpostCapacity],
      [autoScalingGroup("blue", "2.0.0", { min: 2, desired: 3, max: 8 })],
      config,
    );
    expect(v.message).to.equal(
      `maxSize is 8; Outpost ${OUTPOST} allows at most 6 per group (capacity.max).`,
    );
  });

  it("fails a desired capacity outside min..max", async () => {
    const [v] = await failures(
      [outpostCapacity],
      [autoScalingGroup("blue", "2.0.0", { min: 2, desired: 1, max: 6 })],
      config,
    );
    expect(v.message).to.equal("desiredCapacity 1 is outside minSize..maxSize (2..6).");
  });

  it("fails an ALB that reserves more capacity units than allowed", async () => {
    const alb = withProp(loadBalancer(), "minimumLoadBalancerCapacity", { capacityUnits: 100 });
    const [v] = await failures([outpostCapacity], [alb], config);
    expect(v.message).to.contain("reserves 100 load balancer capacity units");
    const allowed = {
      "outpost-capacity": { ...config["outpost-capacity"], maxLoadBalancerCapacityUnits: 100 },
    };
    expect(await failures([outpostCapacity], [alb], allowed)).to.deep.equal([]);
  });

  it("fails an ALB on an Outpost with no instance type an ALB on an Outpost runs on", async () => {
    const without = {
      "outpost-capacity": {
        outposts: [{ ...config["outpost-capacity"].outposts[0], instanceTypes: ["m5.xlarge"] }],
      },
    };
    const alb = loadBalancer();
    const [v, ...rest] = await failures([outpostCapacity], [alb], without);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      `Outpost ${OUTPOST} has no instance type an ALB on an Outpost runs on (c5.xlarge, c5d.xlarge, m5.large, m5d.large, r5.large, r5d.large); it has m5.xlarge.`,
    );
    expect(v.urn).to.equal(alb.urn);
  });

  it("without policy config, skips with one advisory note", async () => {
    const found = await violations([outpostCapacity], [stackOutputs(), launchTemplate()]);
    expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
  });
});
