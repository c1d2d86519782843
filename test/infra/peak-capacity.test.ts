/**
 * The one rule every capacity check uses (infra/peak-capacity.ts): what an Outpost holds at the
 * peak of a release, the ALBs' own instances included, and the instance types those ALBs need.
 */
import { expect } from "chai";
import {
  ConfigValidationError,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import {
  OUTPOST_ALB_INSTANCE_TYPES,
  OUTPOST_ALB_MIN_INSTANCES,
} from "../../infra/config/aws-catalog";
import { outpostInstanceBudget, siteLoadBalancers } from "../../infra/peak-capacity";

type Outpost = Record<string, unknown>;

function withOutpost(index: number, change: Outpost, stack = "us"): StackLayer {
  const layer = readStackFile(stack);
  const outposts = (layer.outposts as Outpost[]).map((o, i) =>
    i === index ? { ...o, ...change } : o,
  );
  return { ...layer, outposts };
}

function problemsOf(layer: StackLayer): { key: string; value: unknown; allowed: string }[] {
  try {
    loadFleetConfig(layer);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
}

describe("the peak-capacity rule", () => {
  it("adds every group at its maximum, three instances per local control plane and each ALB's own", () => {
    const budget = outpostInstanceBudget({
      groups: [
        { name: "blue", max: 6 },
        { name: "green", max: 6 },
        { name: "EKS nodes", max: 4 },
      ],
      localControlPlanes: 1,
      loadBalancers: 2,
    });
    expect(OUTPOST_ALB_MIN_INSTANCES).to.equal(2);
    expect(budget).to.deep.equal({
      total: 23,
      explanation:
        "blue 6 + green 6 + EKS nodes 4 + 3 control-plane instances + 2 ALBs x 2 instances",
    });
  });

  it("names one ALB in the singular and leaves out what the Outpost does not run", () => {
    expect(
      outpostInstanceBudget({
        groups: [{ name: "blue", max: 2 }],
        localControlPlanes: 0,
        loadBalancers: 1,
      }),
    ).to.deep.equal({ total: 4, explanation: "blue 2 + 1 ALB x 2 instances" });
  });

  it("counts the EC2 ALB, and the Ingress ALB when the Outpost runs EKS", () => {
    expect(siteLoadBalancers(true)).to.equal(2);
    expect(siteLoadBalancers(false)).to.equal(1);
  });
});

describe("the config's capacity checks on AWS", () => {
  it("refuse an Outpost whose maxInstances leaves no room for its two ALBs", () => {
    // 2 x 6 + 4 EKS nodes + 3 control-plane instances = 19: enough before the ALBs counted.
    const problems = problemsOf(
      withOutpost(2, { capacity: { min: 2, desired: 3, max: 6, maxInstances: 19 } }),
    );
    expect(problems).to.deep.equal([
      {
        key: "outpost-fleet:outposts[2].capacity.maxInstances",
        value: 19,
        allowed:
          "must be at least 23 (blue 6 + green 6 + EKS nodes 4 + 3 control-plane instances + 2 ALBs x 2 instances) so that everything fits during a release",
      },
    ]);
  });

  it("count one ALB per Outpost without EKS", () => {
    const layer = readStackFile("us");
    const withoutEks = (maxInstances: number): StackLayer => ({
      ...layer,
      overrides: { eks: { enabled: false } },
      outposts: (layer.outposts as Outpost[]).map((o) => ({
        ...o,
        capacity: { min: 2, desired: 3, max: 6, maxInstances },
      })),
    });
    expect(problemsOf(withoutEks(14))).to.deep.equal([]);
    expect(problemsOf(withoutEks(13)).map((p) => p.allowed)).to.include(
      "must be at least 14 (blue 6 + green 6 + 1 ALB x 2 instances) so that everything fits during a release",
    );
  });

  it("refuse an Outpost with no instance type an ALB on an Outpost runs on", () => {
    const problems = problemsOf(
      withOutpost(3, { instanceTypes: ["m5.xlarge", "m5.2xlarge"], instanceType: "m5.xlarge" }),
    );
    expect(problems).to.deep.equal([
      {
        key: "outpost-fleet:outposts[3].instanceTypes",
        value: ["m5.xlarge", "m5.2xlarge"],
        allowed: `must include an instance type that an Application Load Balancer on an Outpost runs on (${OUTPOST_ALB_INSTANCE_TYPES.join(", ")}): AWS runs this Outpost's ALBs on its own capacity`,
      },
    ]);
  });

  it("leave the local target's Outposts alone: HAProxy is no ALB", () => {
    const layer = readStackFile("local-us");
    const outposts = (layer.outposts as Outpost[]).map((o) => ({
      ...o,
      instanceTypes: ["m5.xlarge"],
      instanceType: "m5.xlarge",
    }));
    expect(problemsOf({ ...layer, outposts })).to.deep.equal([]);
  });

  it("hold every example stack", () => {
    for (const stack of ["us", "eu", "apac", "staging-us", "staging-eu", "staging-apac"]) {
      expect(problemsOf(readStackFile(stack)), stack).to.deep.equal([]);
    }
  });
});
