import { expect } from "chai";
import {
  graphOrder,
  type ReleaseNode,
  releaseGraph,
} from "../../automation/executor/release-graph";
import { buildPlan } from "../../automation/plan/build-plan";
import type { ReleaseSchedule } from "../../automation/plan/plan-types";
import { exampleFleet, fleetStack } from "./support/fleet-fixture";

/** Staging (one Outpost), then us and eu with two Outposts each: canary and one follower. */
function planWith(schedule?: ReleaseSchedule) {
  const stacks = [
    fleetStack("staging-us", ["st-op1"], { environment: "staging", regionGroup: "us" }),
    ...exampleFleet(2, ["us", "eu"]),
  ];
  return buildPlan({
    release: "2.1.0",
    stacks,
    waveOrder: ["us", "eu"],
    concurrency: { count: 1 },
    traffic: { aws: [100], local: [100] },
    eksCanary: true,
    rollbackScope: "wave",
    prestage: true,
    ...(schedule ? { schedule } : {}),
  });
}

const PIPELINED: ReleaseSchedule = { pipelineWaves: true, prestageBesideStagingTests: false };
const afterOf = (nodes: readonly ReleaseNode[], id: string) => {
  const node = nodes.find((n) => n.id === id);
  if (node === undefined) throw new Error(`no node ${id}`);
  return [...node.after].sort();
};

describe("release graph", () => {
  it("without a schedule is one chain in journal order: staging, prestage, then each wave", () => {
    const nodes = releaseGraph(planWith());
    nodes.forEach((node, i) => expect(node.after).to.deep.equal(i === 0 ? [] : [nodes[i - 1].id]));
    expect(nodes.map((n) => n.id)).to.deep.equal([
      "start:staging",
      ...["deploy-idle", "verify", "flip", "canary", "test", "bake"].map((s) => `staging/0/${s}`),
      "staging/1/sync-stack",
      "end:staging",
      "prestage/0",
      "prestage/1",
      "prestage/2",
      "prestage/3",
      "start:us",
      ...["verify", "flip", "canary", "bake"].map((s) => `us/0/${s}`),
      ...["verify", "flip", "canary", "bake"].map((s) => `us/1/${s}`),
      "us/2/sync-stack",
      "end:us",
      "start:eu",
      ...["verify", "flip", "canary", "bake"].map((s) => `eu/0/${s}`),
      ...["verify", "flip", "canary", "bake"].map((s) => `eu/1/${s}`),
      "eu/2/sync-stack",
      "end:eu",
    ]);
    expect(
      releaseGraph({ ...planWith(), schedule: { ...PIPELINED, pipelineWaves: false } }),
    ).to.deep.equal(nodes);
  });

  it("pipelined: a batch's EKS canary, tests and bake side by side after its flip; the next batch verifies beside them and flips after all of them", () => {
    const nodes = releaseGraph(planWith(PIPELINED));
    expect(afterOf(nodes, "us/0/canary")).to.deep.equal(["us/0/flip"]);
    expect(afterOf(nodes, "us/0/bake")).to.deep.equal(["us/0/flip"]);
    expect(afterOf(nodes, "staging/0/test")).to.deep.equal(["staging/0/flip"]);
    expect(afterOf(nodes, "us/1/verify")).to.deep.equal(["us/0/flip"]);
    expect(afterOf(nodes, "us/1/flip")).to.deep.equal(["us/0/bake", "us/0/canary", "us/1/verify"]);
    expect(afterOf(nodes, "us/2/sync-stack")).to.deep.equal(["us/1/bake", "us/1/canary"]);
    expect(afterOf(nodes, "end:us")).to.deep.equal(["us/2/sync-stack"]);
  });

  it("pipelined: the next wave's canary starts once the wave before has flipped its last batch; its followers flip after that wave's end", () => {
    const nodes = releaseGraph(planWith(PIPELINED));
    expect(afterOf(nodes, "start:eu")).to.deep.equal(
      ["end:staging", "prestage/2", "prestage/3", "start:us", "us/1/flip"].sort(),
    );
    expect(afterOf(nodes, "eu/0/verify")).to.deep.equal(["start:eu"]);
    expect(afterOf(nodes, "eu/1/verify")).to.deep.equal(["eu/0/flip"]);
    expect(afterOf(nodes, "eu/1/flip")).to.deep.equal([
      "end:us",
      "eu/0/bake",
      "eu/0/canary",
      "eu/1/verify",
    ]);
    // The first production wave waits for staging and its own Outposts' prestage batches only.
    expect(afterOf(nodes, "start:us")).to.deep.equal(["end:staging", "prestage/0", "prestage/1"]);
  });

  it("the prestage waits for wave 0 to pass, or only for its flips beside the test gates", () => {
    expect(afterOf(releaseGraph(planWith(PIPELINED)), "prestage/0")).to.deep.equal(["end:staging"]);
    const beside = releaseGraph(planWith({ ...PIPELINED, prestageBesideStagingTests: true }));
    expect(afterOf(beside, "prestage/0")).to.deep.equal(["staging/0/flip"]);
    expect(afterOf(beside, "prestage/1")).to.deep.equal(["prestage/0"]);
    // Production traffic still waits for the tests: the first wave starts after end:staging.
    expect(afterOf(beside, "start:us")).to.include("end:staging");
  });

  it("every plan step is a node once, and the graph has an order (no cycle, no missing node)", () => {
    for (const schedule of [
      undefined,
      PIPELINED,
      { ...PIPELINED, prestageBesideStagingTests: true },
    ]) {
      const nodes = releaseGraph(planWith(schedule));
      const ids = new Set(nodes.map((n) => n.id));
      expect(ids.size).to.equal(nodes.length);
      for (const node of nodes)
        for (const before of node.after) expect(ids.has(before)).to.equal(true);
      expect(graphOrder(nodes)).to.have.length(nodes.length);
    }
    expect(() =>
      graphOrder([
        { id: "a", after: ["b"], work: { kind: "wave-end", wave: "x" } },
        { id: "b", after: ["a"], work: { kind: "wave-end", wave: "y" } },
      ]),
    ).to.throw("cycle");
  });
});
