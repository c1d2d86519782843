import { expect } from "chai";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const bob = { user: "bob", host: "laptop", pid: 7 };

describe("executor: operators' requests (pause, resume, abort, rollback, promote)", () => {
  it("pauses at the next step boundary and resumes where it stopped", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    const executor = h.executor();
    // The pause arrives while the first bake is running.
    const original = h.gates.gatesFor.bind(h.gates);
    let requested = false;
    h.gates.gatesFor = (target) => {
      if (target.phase === "bake" && !requested) {
        requested = true;
        void h.deps().journal.append({ type: "pause-requested", by: bob });
      }
      return original(target);
    };
    const outcome = await executor.start(h.plan, "deploy");
    expect(outcome).to.deep.equal({
      kind: "paused",
      reason: "paused by bob before deploy-idle of us batch 1",
    });
    expect(h.engine.deployedState("us", "us-op2").greenVersion).to.equal("2.0.0");
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    expect(h.engine.deployedState("us", "us-op2").greenVersion).to.equal("2.1.0");
  });

  it("abort stops the line and rolls back by policy", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]), scope: "wave" });
    const original = h.gates.gatesFor.bind(h.gates);
    h.gates.gatesFor = (target) => {
      if (target.outpost === "eu-op1" && target.phase === "bake") {
        void h
          .deps()
          .journal.append({ type: "abort-requested", by: bob, reason: "latency looks odd" });
      }
      return original(target);
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome).to.deep.equal({ kind: "aborted", reason: "aborted by bob: latency looks odd" });
    expect(h.engine.deployedState("eu", "eu-op1").activeColor).to.equal("blue");
    expect(h.engine.deployedState("us", "us-op1").activeColor).to.equal("green");
  });

  it("rollback (requested) rolls back every Outpost the release moved, whatever the scope", async () => {
    const h2 = makeHarness({ stacks: exampleFleet(1, ["us", "eu"]), scope: "stage" });
    const original = h2.gates.gatesFor.bind(h2.gates);
    h2.gates.gatesFor = (target) => {
      if (target.stack === "eu" && target.phase === "bake") {
        void h2
          .deps()
          .journal.append({ type: "rollback-requested", by: bob, reason: "bad release" });
      }
      return original(target);
    };
    const outcome = await h2.executor().start(h2.plan, "deploy");
    expect(outcome).to.deep.equal({
      kind: "rolled-back",
      reason: "rollback requested by bob: bad release",
    });
    expect(h2.engine.deployedState("us", "us-op1").activeColor).to.equal("blue");
    expect(h2.engine.deployedState("eu", "eu-op1").activeColor).to.equal("blue");
    expect(h2.engine.configuredRelease("us")).to.equal("2.0.0");
  });

  it("waits for approval before each wave; promote approves one wave", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us", "eu"]), approval: "each-wave" });
    let waits = 0;
    const sleep = h.clock.sleep.bind(h.clock);
    h.clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      // An operator promotes on the third poll of each wave.
      if (++waits % 3 === 0) await h.deps().journal.append({ type: "promote-requested", by: bob });
    };
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    const approvals = (await h.events()).filter((e) => e.type === "wave-approved");
    expect(approvals.map((e) => (e.type === "wave-approved" ? e.wave : ""))).to.deep.equal([
      "us",
      "eu",
    ]);
  });

  it("a declined approval at the terminal stops before the wave; resume asks again", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]), approval: "each-wave" });
    const answers = [false, true];
    const executor = (answer: boolean[]) =>
      new RolloutExecutor({ ...h.deps(), prompt: () => Promise.resolve(answer.shift() ?? false) });
    expect((await executor(answers).start(h.plan, "deploy")).kind).to.equal("blocked");
    expect(h.engine.changes().filter((c) => c.op === "up")).to.deep.equal([]);
    expect(await executor(answers).resume()).to.deep.equal({ kind: "succeeded" });
  });
});
