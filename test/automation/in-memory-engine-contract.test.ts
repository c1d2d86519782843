/**
 * The EnginePort contract (test/support/engine-port-contract.ts) on the in-memory engine, and
 * the contract's own output check on outputs that break it.
 */
import { expect } from "chai";
import { InMemoryEngine } from "../../automation/engine/in-memory-engine";
import type { StackOutputs } from "../../automation/engine/engine-port";
import type { OutpostOutputs } from "../../infra/contract";
import { outpostOutputsFixture } from "../../infra/contract-fixtures";
import {
  CONTRACT_OUTPOSTS,
  CONTRACT_RELEASE,
  contractProblems,
  contractState,
  describeEnginePortContract,
} from "../support/engine-port-contract";

describeEnginePortContract("in-memory engine", async () => {
  const engine = new InMemoryEngine([
    {
      name: "contract",
      target: "local",
      release: CONTRACT_RELEASE,
      deployment: Object.fromEntries(CONTRACT_OUTPOSTS.map((o) => [o, contractState("blue")])),
    },
  ]);
  await engine.prepareStack("contract");
  await engine.up("contract");
  let stacks = 0;
  return {
    engine,
    stack: "contract",
    newStackName: () => `fresh-${++stacks}`,
    leavePendingCreate: (stack) => {
      const pending = {
        urn: `urn:pulumi:${stack}::outpost-fleet::outpost-fleet:local:OutpostSite::op-ghost`,
        operation: "creating",
      };
      engine.leavePending(stack, [pending]);
      return Promise.resolve(pending);
    },
    differences: { unpreparedStack: "fails", concurrentUp: "refused", kubeconfigOutposts: [] },
  };
});

describe("the contract's output check", () => {
  const state = contractState("green", "2.0.0", "2.1.0", { candidateWeight: 20 });
  const good = (target: "aws" | "local", eks = false): StackOutputs => ({
    target,
    release: "2.1.0",
    outposts: {
      "op-a": outpostOutputsFixture({ stack: "s", outpost: "op-a", state, target, eks }),
    },
  });
  const broken = (
    change: Partial<OutpostOutputs> | Record<string, unknown>,
    target = "local" as const,
  ) => {
    const outputs = good(target);
    return contractProblems(
      {
        ...outputs,
        outposts: { "op-a": { ...outputs.outposts["op-a"], ...change } as OutpostOutputs },
      },
      target,
    );
  };

  it("passes the fixtures of both targets, with and without EKS", () => {
    expect(contractProblems(good("local"), "local")).to.deep.equal([]);
    expect(contractProblems(good("aws"), "aws")).to.deep.equal([]);
    expect(contractProblems(good("aws", true), "aws")).to.deep.equal([]);
  });

  it("names what breaks it", () => {
    expect(contractProblems(good("local"), "aws")).to.include.members([
      "target: local, not aws",
      "outposts.op-a.serviceDomain: null, not string",
    ]);
    expect(broken({ previewEndpoint: undefined })).to.deep.equal([
      "outposts.op-a.previewEndpoint: undefined, not string",
    ]);
    expect(broken({ weights: { blue: 80, green: 20 } })).to.deep.equal([
      'outposts.op-a.weights: {"blue":80,"green":20} for 20%',
    ]);
    expect(broken({ versions: { blue: "2.0.0" } as never })).to.include(
      "outposts.op-a.versions: keys blue",
    );
    expect(broken({ activeColor: "red" as never })).to.include("outposts.op-a.activeColor: red");
    expect(broken({ alarms: ["a-5xx"] })).to.deep.equal(["outposts.op-a.alarms: not empty"]);
    expect(broken({ endpoint: "op-a:80" })).to.deep.equal([
      "outposts.op-a.endpoint: op-a:80 is not a URL",
    ]);
    expect(broken({ outpost: "op-b" })).to.deep.equal(["outposts.op-a.outpost: op-b, not op-a"]);
    expect(broken({ cluster: "op-a-eks" })).to.deep.equal([
      "outposts.op-a.rollout: a rollout without a cluster, or a cluster without one",
    ]);
    expect(
      broken({ trafficStats: { kind: "cloudwatch", loadBalancer: "", targetGroups: {} } as never }),
    ).to.deep.equal(["outposts.op-a.trafficStats.kind: cloudwatch, not haproxy"]);
  });
});
