import { expect } from "chai";
import { outpostInstanceBudget } from "../../policies/outpost-instance-budget";
import { failures, violations } from "./support/check";
import { autoScalingGroup, eksCluster, OUTPOST, stackOutputs } from "./support/policy-fixtures";

describe("policies: outpost-instance-budget", () => {
  const config = (maxInstances: number) => ({
    "outpost-instance-budget": {
      outposts: [{ name: OUTPOST, capacity: { min: 2, desired: 3, max: 6, maxInstances } }],
    },
  });
  // Both colors at 6 and a local cluster: 12 + 3 control-plane instances.
  const site = [
    stackOutputs(),
    autoScalingGroup("blue"),
    autoScalingGroup("green", "2.0.0", { min: 0, desired: 0, max: 6 }),
    eksCluster(),
  ];

  it("passes an Outpost whose groups at their maximum and control plane fit", async () => {
    expect(await failures([outpostInstanceBudget], site, config(15))).to.deep.equal([]);
  });

  it("counts the local cluster's three control-plane instances", async () => {
    const [v] = await failures([outpostInstanceBudget], site, config(14));
    expect(v.message).to.equal(
      `Outpost ${OUTPOST} may run 15 instances at once (${OUTPOST}-blue-asg 6 + ${OUTPOST}-green-asg 6 + ${OUTPOST}-eks control plane 3); its capacity.maxInstances is 14.`,
    );
  });

  it("without policy config, notes the skip once", async () => {
    const found = await violations([outpostInstanceBudget], site);
    expect(found.map((v) => v.level)).to.deep.equal(["advisory"]);
  });
});
