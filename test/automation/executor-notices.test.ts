import { expect } from "chai";
import type { ExecutorNotice } from "../../automation/executor/executor-notice";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const bob = { user: "bob", host: "laptop", pid: 7 };

describe("executor: notices to its front end (facts, not text)", () => {
  it("says at every poll which wave waits for approval", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us", "eu"]), approval: "each-wave" });
    const notices: ExecutorNotice[] = [];
    const promoted = new Set<string>();
    const sleep = h.clock.sleep.bind(h.clock);
    h.clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      // An operator promotes a wave once the driver said twice that it waits for it.
      const last = notices.at(-1);
      const wave = last?.kind === "awaiting-approval" ? last.wave : undefined;
      const told = notices.filter((n) => n.kind === "awaiting-approval" && n.wave === wave);
      if (wave !== undefined && told.length === 2 && !promoted.has(wave)) {
        promoted.add(wave);
        await h.deps().journal.append({ type: "promote-requested", by: bob, wave });
      }
    };
    const executor = new RolloutExecutor({ ...h.deps(), onNotice: (n) => notices.push(n) });
    expect(await executor.start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    expect(notices).to.deep.equal([
      { kind: "awaiting-approval", wave: "us" },
      { kind: "awaiting-approval", wave: "us" },
      { kind: "awaiting-approval", wave: "eu" },
      { kind: "awaiting-approval", wave: "eu" },
    ]);
  });

  it("a rollback that cannot flip back ends rollback-incomplete, journaled, and says so", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]) });
    h.gates.set("us/us-op1", "bake", "fail");
    const up = h.engine.up.bind(h.engine);
    let down = false;
    h.engine.up = async (stack, options) => {
      if (down) throw new Error(`${stack}: the API is down`);
      return up(stack, options);
    };
    const notices: ExecutorNotice[] = [];
    const executor = new RolloutExecutor({
      ...h.deps(),
      onEvent: (event) => {
        if (event.type === "rollback-started") down = true;
      },
      onNotice: (n) => notices.push(n),
    });
    const outcome = await executor.start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rollback-incomplete");
    const reason = "reason" in outcome ? outcome.reason : "";
    expect(reason).to.match(/^rollback traffic failed: us: .*the API is down$/);
    expect(notices).to.deep.equal([{ kind: "rollback-incomplete", reason }]);
    const tail = (await h.events()).slice(-2);
    expect(tail.map((e) => e.type)).to.deep.equal(["rollback-failed", "release-finished"]);
    expect(tail[1]).to.include({ outcome: "rollback-incomplete", reason });
    // The flip back never went through: the Outpost still serves the new color.
    expect(h.engine.deployedState("us", "us-op1").activeColor).to.equal("green");
  });
});
