import { expect } from "chai";
import { formatStatus } from "../../automation/cli/status-text";
import { statusView } from "../../automation/operations/status-report";
import { exitCodeOf, outcomeReason } from "../../automation/cli/outcome-text";
import { replay } from "../../automation/progress/release-progress";
import { ExitCode } from "../../automation/support/exit-codes";
import type { OutpostDeploymentState } from "../../infra/contract";
import { exampleFleet, settled } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const RELEASE = "2.1.0";
const untouched = settled("2.0.0");
/** Pre-staged: the idle color runs the release, warm, and takes no traffic. */
const prestaged: OutpostDeploymentState = {
  ...untouched,
  greenVersion: RELEASE,
  idleWarm: true,
};
const finalState: OutpostDeploymentState = {
  ...prestaged,
  activeColor: "green",
  idleWarm: false,
  rolloutVersion: RELEASE,
};
/** Flipped, old color still warm; without EKS the Rollout version moves only at finalize. */
const flippedWarm: OutpostDeploymentState = { ...prestaged, activeColor: "green" };

const bob = { user: "bob", host: "laptop", pid: 7 };

describe("executor: the fleet-wide prestage step", () => {
  it("launches every idle color before wave 1, then each stage verifies, flips and bakes", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
    });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    const flip = (stack: string, outpost: string) => [
      `write-config ${stack} [${outpost}] release=${RELEASE}`,
      `up ${stack} [${outpost}]`,
    ];
    expect(h.changes()).to.deep.equal([
      // preflight: both stacks previewed at once
      `write-config us release=${RELEASE}`,
      `write-config eu release=${RELEASE}`,
      "preview us",
      "preview eu",
      // prestage batch 0 and 1 (concurrency 2): one targeted up per stack and batch
      `write-config us [us-op1,us-op2] release=${RELEASE}`,
      "up us [us-op1,us-op2]",
      `write-config eu [eu-op1,eu-op2] release=${RELEASE}`,
      "up eu [eu-op1,eu-op2]",
      // the waves: no deploy-idle any more, only the flip changes config
      ...flip("us", "us-op1"),
      ...flip("us", "us-op2"),
      `write-config us release=${RELEASE}`, // sync-stack, unchanged
      "up us",
      ...flip("eu", "eu-op1"),
      ...flip("eu", "eu-op2"),
      `write-config eu release=${RELEASE}`,
      "up eu",
      `write-config us [us-op1,us-op2] release=${RELEASE}`, // finalize, unchanged
      `write-config eu [eu-op1,eu-op2] release=${RELEASE}`,
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
    ]);
    for (const outpost of ["us-op1", "us-op2"]) {
      expect(h.engine.deployedState("us", outpost)).to.deep.equal(finalState);
      expect(h.engine.flipCount("us", outpost)).to.equal(1);
    }
    const steps = (await h.events()).flatMap((e) =>
      e.type === "step-started" ? [`${e.wave}#${e.batch}#${e.step}`] : [],
    );
    expect(steps.slice(0, 6)).to.deep.equal([
      "prestage#0#prestage",
      "prestage#1#prestage",
      "us#0#verify",
      "us#0#flip",
      "us#0#canary",
      "us#0#bake",
    ]);
    // Each stage is still verified on its preview path before any traffic moves to it.
    const usOp2 = h.gates.calls.filter((c) => c.endsWith("us/us-op2"));
    expect(usOp2[0]).to.equal("verify us/us-op2");
  });

  it("has the whole fleet's idle colors up, warm and without traffic when wave 1 starts", async () => {
    const h = makeHarness({ stacks: exampleFleet(2), concurrency: 4, prestage: true });
    let atFirstVerify: OutpostDeploymentState[] | undefined;
    let stackWide: (string | undefined)[] | undefined;
    const original = h.gates.gatesFor.bind(h.gates);
    h.gates.gatesFor = (target) => {
      atFirstVerify ??= h.plan.waves.flatMap((w) =>
        w.stages.map((s) => h.engine.deployedState(s.stack, s.outpost)),
      );
      stackWide ??= ["us", "eu", "apac"].map((stack) => h.engine.stackWideRelease(stack));
      return original(target);
    };
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    expect(atFirstVerify).to.deep.equal(Array.from({ length: 6 }, () => prestaged));
    // The prestage's ups are targeted: the stack-wide resources wait for each wave's sync-stack.
    expect(stackWide).to.deep.equal(["2.0.0", "2.0.0", "2.0.0"]);
    // concurrency 4 over 6 Outposts: two batches; the first spans two stacks, in parallel.
    expect(
      h
        .changes()
        .filter((c) => c.startsWith("up "))
        .slice(0, 3),
    ).to.deep.equal([
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
      "up apac [apac-op1,apac-op2]",
    ]);
    expect(h.plan.prestage?.batches).to.deep.equal([
      ["us/us-op1", "us/us-op2", "eu/eu-op1", "eu/eu-op2"],
      ["apac/apac-op1", "apac/apac-op2"],
    ]);
  });

  it("a failed prestage stops before any traffic moves; the rollback restores every baseline", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
    });
    let failures = 0;
    h.engine.fail((op) =>
      op.op === "up" && op.stack === "eu" && failures++ === 0
        ? "launch failed: InsufficientInstanceCapacity"
        : undefined,
    );
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome).to.deep.equal({
      kind: "rolled-back",
      reason: "eu/eu-op1 failed at prestage: eu: launch failed: InsufficientInstanceCapacity",
    });
    expect(exitCodeOf(outcome)).to.equal(ExitCode.FailedRolledBack);
    expect(h.changes()).to.deep.equal([
      // preflight: both stacks previewed at once
      `write-config us release=${RELEASE}`,
      `write-config eu release=${RELEASE}`,
      "preview us",
      "preview eu",
      `write-config us [us-op1,us-op2] release=${RELEASE}`,
      "up us [us-op1,us-op2]",
      `write-config eu [eu-op1,eu-op2] release=${RELEASE}`,
      "up eu [eu-op1,eu-op2]", // fails
      // rollback, traffic phase: the old color keeps all traffic (nothing was flipped)
      `write-config us [us-op1,us-op2] release=${RELEASE}`,
      `write-config eu [eu-op1,eu-op2] release=${RELEASE}`,
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
      // restore phase: the baselines, release included; the candidate scales down
      "write-config us [us-op1,us-op2] release=2.0.0",
      "write-config eu [eu-op1,eu-op2] release=2.0.0",
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
      // no sync: no wave started, the stack-wide resources were never touched
    ]);
    for (const [stack, outpost] of [
      ["us", "us-op1"],
      ["us", "us-op2"],
      ["eu", "eu-op1"],
      ["eu", "eu-op2"],
    ]) {
      expect(h.engine.deployedState(stack, outpost)).to.deep.equal(untouched);
      expect(h.engine.flipCount(stack, outpost)).to.equal(0);
    }
    expect([h.engine.configuredRelease("us"), h.engine.configuredRelease("eu")]).to.deep.equal([
      "2.0.0",
      "2.0.0",
    ]);
    expect(h.gates.calls).to.deep.equal([]); // no stage got as far as verify
    const events = await h.events();
    expect(events.some((e) => e.type === "wave-started")).to.equal(false);
    expect(events.find((e) => e.type === "rollback-started")).to.deep.include({
      cause: "failure",
      scope: "release",
      stages: ["us/us-op1", "us/us-op2", "eu/eu-op1", "eu/eu-op2"],
    });
  });

  it("a later failure rolls back by scope, and Outposts only pre-staged go back to their baseline", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2),
      scope: "stage",
      concurrency: 6,
      prestage: true,
    });
    h.gates.set("eu/eu-op1", "verify", "fail");
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("rolled-back");
    // wave us finished: it keeps the release, as without the prestage
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(flippedWarm);
    expect(h.engine.deployedState("us", "us-op2")).to.deep.equal(flippedWarm);
    expect(h.engine.configuredRelease("us")).to.equal(RELEASE);
    // the failed batch (scope stage), the rest of its wave and the later wave: baselines
    for (const [stack, outpost] of [
      ["eu", "eu-op1"],
      ["eu", "eu-op2"],
      ["apac", "apac-op1"],
      ["apac", "apac-op2"],
    ]) {
      expect(h.engine.deployedState(stack, outpost), outpost).to.deep.equal(untouched);
      expect(h.engine.flipCount(stack, outpost), outpost).to.equal(0);
    }
    expect(h.engine.configuredRelease("eu")).to.equal("2.0.0");
    expect(h.engine.configuredRelease("apac")).to.equal("2.0.0");
    expect(h.engine.stackWideRelease("apac")).to.equal("2.0.0");
    const started = (await h.events()).find((e) => e.type === "rollback-started");
    expect(started).to.deep.include({
      scope: "stage",
      stages: ["eu/eu-op1", "eu/eu-op2", "apac/apac-op1", "apac/apac-op2"],
    });
  });

  it("an abort during the prestage stops at the next batch and restores every baseline", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
    });
    const up = h.engine.up.bind(h.engine);
    let asked = false;
    h.engine.up = async (stack, options) => {
      if (!asked) {
        asked = true;
        await h.deps().journal.append({ type: "abort-requested", by: bob, reason: "wrong build" });
      }
      return up(stack, options);
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome).to.deep.equal({ kind: "aborted", reason: "aborted by bob: wrong build" });
    expect(h.changes().filter((c) => c.startsWith("up eu"))).to.deep.equal([]); // batch 1 never ran
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(untouched);
    expect(h.engine.deployedState("us", "us-op2")).to.deep.equal(untouched);
    expect(h.engine.configuredRelease("us")).to.equal("2.0.0");
    expect(h.engine.configuredRelease("eu")).to.equal("2.0.0");
  });

  it("skips Outposts that already serve the release", async () => {
    const [us] = exampleFleet(2, ["us"]);
    const onRelease = {
      ...us,
      deployment: { ...us.deployment, "us-op2": settled(RELEASE) },
    };
    const h = makeHarness({ stacks: [onRelease], concurrency: 2, prestage: true });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal([
      "up us [us-op1]", // prestage
      "up us [us-op1]", // flip
      "up us",
      "up us [us-op1]",
    ]);
  });

  it("a pause during the prestage stops at the next batch; status shows it; resume finishes it", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
    });
    const up = h.engine.up.bind(h.engine);
    let asked = false;
    h.engine.up = async (stack, options) => {
      if (!asked) {
        asked = true;
        await h.deps().journal.append({ type: "pause-requested", by: bob });
      }
      return up(stack, options);
    };
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({
      kind: "paused",
      reason: "paused by bob before prestage batch 1",
    });
    const status = () => {
      const progress = replay(events);
      if (progress === undefined) throw new Error("no release");
      return formatStatus(statusView(progress, { state: "free" })).split("\n");
    };
    let events = await h.events();
    expect(status()).to.include.members([
      "  prestage (idle colors, no traffic): in progress",
      "    batch 0  us/us-op1, us/us-op2: prestage ✓",
      "    batch 1  eu/eu-op1, eu/eu-op2: prestage",
      "  wave us: not started",
    ]);
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    events = await h.events();
    expect(status()).to.include.members([
      "  prestage (idle colors, no traffic): done",
      "    batch 1  eu/eu-op1, eu/eu-op2: prestage ✓",
    ]);
    expect(
      h
        .changes()
        .filter((c) => c.startsWith("up "))
        .slice(0, 3),
    ).to.deep.equal(["up us [us-op1,us-op2]", "up eu [eu-op1,eu-op2]", "up us [us-op1]"]);
  });

  it("a freeze window holds the prestage as it holds a wave; resume after it ends", async () => {
    const window = {
      name: "change-freeze",
      start: "2025-01-06T10:00:00Z",
      end: "2025-01-06T12:00:00Z",
    };
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
      settings: { freezeWindows: [window] },
    });
    const up = h.engine.up.bind(h.engine);
    let asked = false;
    h.engine.up = async (stack, options) => {
      if (!asked) {
        asked = true;
        await h.deps().journal.append({ type: "pause-requested", by: bob });
      }
      return up(stack, options);
    };
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("paused");
    h.clock.advance(Date.parse("2025-01-06T11:00:00Z") - h.clock.now()); // inside the window
    const blocked = await h.executor().resume();
    expect(blocked.kind).to.equal("blocked");
    expect(blocked).to.deep.equal({
      kind: "blocked",
      reason:
        'prestage batch 1 is inside freeze window "change-freeze" (2025-01-06T10:00:00Z to 2025-01-06T12:00:00Z)',
      next: { kind: "resume-after-freeze", window: "change-freeze" },
    });
    expect(outcomeReason(blocked)).to.equal(
      'prestage batch 1 is inside freeze window "change-freeze" (2025-01-06T10:00:00Z to 2025-01-06T12:00:00Z); resume after it ends',
    );
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal(["up us [us-op1,us-op2]"]);
    h.clock.advance(2 * 3600_000);
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
  });

  it("pending operations left mid-prestage stop the driver for a repair, without a rollback", async () => {
    const h = makeHarness({
      stacks: exampleFleet(2, ["us", "eu"]),
      concurrency: 2,
      prestage: true,
    });
    const urn = "urn:pulumi:eu::outpost-fleet::aws:autoscaling/group:Group::eu-op1-green-asg";
    const up = h.engine.up.bind(h.engine);
    let left = false;
    h.engine.up = async (stack, options) => {
      if (!left && stack === "eu") {
        left = true;
        h.engine.leavePending("eu", [{ urn, operation: "creating" }]);
      }
      return up(stack, options);
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("needs-repair");
    expect(outcome).to.deep.include({ next: { kind: "repair-then-resume", stacks: ["eu"] } });
    expect(outcomeReason(outcome)).to.match(
      /eu-op1-green-asg.*outpost-fleet repair --stack eu.*outpost-fleet resume/,
    );
    expect((await h.events()).some((e) => e.type === "rollback-started")).to.equal(false);
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(prestaged);
    await h.engine.refresh("eu", { clearPendingCreates: true });
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    expect(h.engine.deployedState("eu", "eu-op1")).to.deep.equal(finalState);
  });

  for (const scope of ["stage", "wave", "release"] as const) {
    it(`a failed release ends in the same fleet state with or without the prestage (scope ${scope})`, async () => {
      const end = async (prestage: boolean) => {
        const h = makeHarness({ stacks: exampleFleet(3), scope, concurrency: 1, prestage });
        h.gates.set("eu/eu-op2", "bake", "fail");
        const outcome = await h.executor().start(h.plan, "deploy");
        return {
          outcome,
          states: h.plan.waves.flatMap((w) =>
            w.stages.map((st) => [
              st.id,
              h.engine.deployedState(st.stack, st.outpost),
              h.engine.flipCount(st.stack, st.outpost),
            ]),
          ),
          releases: ["us", "eu", "apac"].map((stack) => [
            h.engine.configuredRelease(stack),
            h.engine.stackWideRelease(stack),
          ]),
        };
      };
      const [off, on] = [await end(false), await end(true)];
      expect(on.outcome.kind).to.equal("rolled-back");
      expect(on).to.deep.equal(off);
    });
  }
});
