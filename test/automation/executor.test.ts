import { expect } from "chai";
import { outcomeReason } from "../../automation/cli/outcome-text";
import type { OutpostDeploymentState } from "../../infra/contract";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const RELEASE = "2.1.0";
const finalState: OutpostDeploymentState = {
  blueVersion: "2.0.0",
  greenVersion: RELEASE,
  activeColor: "green",
  candidateWeight: 0,
  idleWarm: false,
  rolloutVersion: RELEASE,
};
const untouched: OutpostDeploymentState = {
  blueVersion: "2.0.0",
  greenVersion: "2.0.0",
  activeColor: "blue",
  candidateWeight: 0,
  idleWarm: false,
  rolloutVersion: "2.0.0",
};
/** Flipped, old color still warm; without EKS the Rollout version moves only at finalize. */
const flippedWarm: OutpostDeploymentState = {
  ...finalState,
  idleWarm: true,
  rolloutVersion: "2.0.0",
};

describe("executor: a release across the fleet (in-memory engine and gates)", () => {
  it("runs preflight, every wave batch by batch, then finalizes, in this exact order", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]) });
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome).to.deep.equal({ kind: "succeeded" });
    const stage = (stack: string, outpost: string) => [
      `write-config ${stack} [${outpost}] release=${RELEASE}`, // deploy-idle: idle color := release, warm
      `up ${stack} [${outpost}]`,
      `write-config ${stack} [${outpost}] release=${RELEASE}`, // flip
      `up ${stack} [${outpost}]`,
    ];
    expect(h.changes()).to.deep.equal([
      // preflight: both stacks previewed at once
      `write-config us release=${RELEASE}`,
      `write-config eu release=${RELEASE}`,
      "preview us",
      "preview eu",
      ...stage("us", "us-op1"),
      ...stage("us", "us-op2"),
      `write-config us release=${RELEASE}`, // sync-stack: the release, written again,
      "up us", // then the stack-wide resources follow it
      ...stage("eu", "eu-op1"),
      ...stage("eu", "eu-op2"),
      `write-config eu release=${RELEASE}`,
      "up eu",
      `write-config us [us-op1,us-op2] release=${RELEASE}`, // finalize: old color scales down
      `write-config eu [eu-op1,eu-op2] release=${RELEASE}`,
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
    ]);
    for (const [stack, outpost] of [
      ["us", "us-op1"],
      ["us", "us-op2"],
      ["eu", "eu-op1"],
      ["eu", "eu-op2"],
    ]) {
      expect(h.engine.deployedState(stack, outpost)).to.deep.equal(finalState);
      expect(h.engine.flipCount(stack, outpost)).to.equal(1);
    }
    // Gates ran in order for each stage: verify before traffic, then after the flip, then bake.
    expect(h.gates.calls.filter((c) => c.endsWith("us/us-op1"))[0]).to.equal("verify us/us-op1");
    expect(h.gates.calls).to.include("bake eu/eu-op2");
    const types = (await h.events()).map((e) => e.type);
    expect(types[0]).to.equal("release-started");
    expect(types.at(-1)).to.equal("release-finished");
  });

  it("previews at most three stacks at once in preflight, in plan order, journaled in plan order", async () => {
    const regions = ["us", "eu", "apac", "sa", "af"];
    const h = makeHarness({ stacks: exampleFleet(1, regions) });
    let inFlight = 0;
    let most = 0;
    const started: string[] = [];
    const preview = h.engine.preview.bind(h.engine);
    h.engine.preview = async (stack, options) => {
      started.push(stack);
      most = Math.max(most, ++inFlight);
      try {
        // Real time: the previews must overlap for the cap to show.
        await new Promise((resolve) => setTimeout(resolve, 20 - started.length * 3));
        return await preview(stack, options);
      } finally {
        inFlight--;
      }
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome).to.deep.equal({ kind: "succeeded" });
    expect(most).to.equal(3);
    expect(started).to.deep.equal(regions);
    const passed = (await h.events()).filter((e) => e.type === "preflight-passed");
    expect(passed.map((e) => (e as { stack: string }).stack)).to.deep.equal(regions);
  });

  it("journals what the outputs report after each change, and how every gate ended", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]) });
    await h.executor().start(h.plan, "deploy");
    const events = await h.events();
    const observed = events.filter((e) => e.type === "stage-observed");
    expect(observed.map((e) => (e.type === "stage-observed" ? e.step : ""))).to.deep.equal([
      "deploy-idle",
      "flip",
    ]);
    expect(observed[1]).to.deep.include({
      stage: "us/us-op1",
      activeColor: "green",
      candidateWeight: 0,
      versions: { blue: "2.0.0", green: RELEASE },
      rolloutVersion: null,
    });
    const evaluated = events.filter((e) => e.type === "gate-evaluated");
    expect(evaluated.map((e) => (e.type === "gate-evaluated" ? e.step : ""))).to.deep.equal([
      "verify",
      "flip",
      "bake",
    ]);
    expect(evaluated[0]).to.deep.include({
      stage: "us/us-op1",
      gates: [{ gate: "scripted", verdict: "pass", detail: "scripted pass", figures: [] }],
    });
  });

  it("moves a batch with one config write and one targeted up per stack", async () => {
    const h = makeHarness({ stacks: exampleFleet(5, ["us"]), concurrency: 4 });
    await h.executor().start(h.plan, "deploy");
    const ups = h.changes().filter((c) => c.startsWith("up "));
    expect(ups).to.deep.equal([
      "up us [us-op1]",
      "up us [us-op1]",
      "up us [us-op2,us-op3,us-op4,us-op5]",
      "up us [us-op2,us-op3,us-op4,us-op5]",
      "up us",
      "up us [us-op1,us-op2,us-op3,us-op4,us-op5]",
    ]);
  });

  it("steps the candidate weight on the local target: 10, 50, then the flip", async () => {
    const stacks = exampleFleet(1, ["local-a"]).map((s) => ({ ...s, target: "local" as const }));
    const h = makeHarness({ stacks });
    const weights: number[] = [];
    const original = h.engine.up.bind(h.engine);
    h.engine.up = async (stack, options) => {
      await original(stack, options);
      weights.push(h.engine.deployedState("local-a", "local-a-op1").candidateWeight);
    };
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    // deploy-idle, shift-10, shift-50, flip, sync-stack, finalize
    expect(weights).to.deep.equal([0, 10, 50, 0, 0, 0]);
    expect(h.gates.calls.filter((c) => c.startsWith("shift"))).to.have.length.greaterThan(2);
  });

  it("skips Outposts that already serve the release", async () => {
    const [us] = exampleFleet(2, ["us"]);
    const onRelease = {
      ...us,
      deployment: {
        ...us.deployment,
        "us-op2": {
          ...untouched,
          blueVersion: RELEASE,
          greenVersion: RELEASE,
          rolloutVersion: RELEASE,
        },
      },
    };
    const h = makeHarness({ stacks: [onRelease] });
    await h.executor().start(h.plan, "deploy");
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal([
      "up us [us-op1]",
      "up us [us-op1]",
      "up us",
      "up us [us-op1]",
    ]);
  });
});

describe("executor: stack-wide resources follow the release (sync-stack)", () => {
  it("a targeted up leaves them alone: without sync-stack they would lag behind", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]) });
    await h.engine.writeDriverConfig("us", { release: RELEASE });
    await h.engine.up("us", { outposts: ["us-op1"] });
    expect(h.engine.stackWideRelease("us")).to.equal("2.0.0");
    expect((await h.engine.preview("us", { policyPacks: [], policyPackConfigs: [] })).changes)
      .to.have.property("update")
      .that.is.greaterThan(0);
    await h.engine.up("us");
    expect(h.engine.stackWideRelease("us")).to.equal(RELEASE);
  });

  it("after a release, every stack's stack-wide resources run it and nothing would change", async () => {
    const h = makeHarness({ stacks: exampleFleet(2) });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    for (const stack of ["us", "eu", "apac"]) {
      expect(h.engine.stackWideRelease(stack), stack).to.equal(RELEASE);
      const preview = await h.engine.preview(stack, { policyPacks: [], policyPackConfigs: [] });
      expect(preview.changes.update ?? 0, stack).to.equal(0);
    }
    const synced = (await h.events()).filter(
      (e) => e.type === "step-completed" && e.step === "sync-stack",
    );
    expect(synced.map((e) => (e.type === "step-completed" ? e.wave : ""))).to.deep.equal([
      "us",
      "eu",
      "apac",
    ]);
  });

  it("after a rollback, each stack's stack-wide resources match its release again", async () => {
    const h = makeHarness({ stacks: exampleFleet(2), scope: "wave" });
    h.gates.set("eu/eu-op2", "bake", "fail");
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("rolled-back");
    expect([h.engine.configuredRelease("us"), h.engine.stackWideRelease("us")]).to.deep.equal([
      RELEASE,
      RELEASE,
    ]);
    expect([h.engine.configuredRelease("eu"), h.engine.stackWideRelease("eu")]).to.deep.equal([
      "2.0.0",
      "2.0.0",
    ]);
    expect(h.engine.stackWideRelease("apac")).to.equal("2.0.0");
    for (const stack of ["us", "eu", "apac"]) {
      const preview = await h.engine.preview(stack, { policyPacks: [], policyPackConfigs: [] });
      expect(preview.changes.update ?? 0, stack).to.equal(0);
    }
    // apac's wave never started: nothing of it was touched, not even by the rollback.
    expect(h.changes().filter((c) => c.startsWith("up apac"))).to.deep.equal([]);
  });
});

describe("executor: pending operations left by an interrupted update", () => {
  it("stop the driver without a rollback, name the resources and the repair command", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    const urn = "urn:pulumi:us::outpost-fleet::aws:autoscaling/group:Group::us-op2-green-asg";
    let left = false;
    const up = h.engine.up.bind(h.engine);
    h.engine.up = async (stack, options) => {
      // The update of the second batch is "killed" after its first operation started.
      if (!left && options?.outposts?.includes("us-op2")) {
        left = true;
        h.engine.leavePending("us", [{ urn, operation: "creating" }]);
      }
      return up(stack, options);
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("needs-repair");
    expect(outcome).to.deep.include({ next: { kind: "repair-then-resume", stacks: ["us"] } });
    expect(outcomeReason(outcome)).to.match(
      /us-op2-green-asg.*outpost-fleet repair --stack us.*outpost-fleet resume/,
    );
    const events = await h.events();
    expect(events.some((e) => e.type === "rollback-started")).to.equal(false);
    expect(events.at(-1)).to.include({ type: "paused" });
    // The canary, already flipped, keeps serving the release; nothing was rolled back.
    expect(h.engine.deployedState("us", "us-op1").activeColor).to.equal("green");

    // The operator checked the provider and repairs; the driver then finishes the release.
    await h.engine.refresh("us", { clearPendingCreates: true });
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    expect(h.engine.deployedState("us", "us-op2")).to.deep.equal(finalState);
  });
});

describe("executor: stop the line", () => {
  it("when up fails on one Outpost, rolls its wave back and starts no later wave", async () => {
    const h = makeHarness({ stacks: exampleFleet(2) });
    let failures = 0;
    h.engine.fail((op) =>
      op.op === "up" && op.outposts?.includes("eu-op2") && failures++ === 0
        ? "update failed: capacity"
        : undefined,
    );
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(flippedWarm); // wave us keeps the release
    expect(h.engine.deployedState("eu", "eu-op1")).to.deep.equal(untouched);
    expect(h.engine.deployedState("eu", "eu-op2")).to.deep.equal(untouched);
    expect(h.engine.flipCount("eu", "eu-op1")).to.equal(2); // the flip, and the flip back
    expect(h.engine.configuredRelease("eu")).to.equal("2.0.0");
    expect(h.engine.configuredRelease("apac")).to.equal("2.0.0");
    expect(h.changes().filter((c) => c.startsWith("up apac"))).to.deep.equal([]);
    const failed = (await h.events()).filter((e) => e.type === "stage-failed");
    expect(failed.map((e) => (e.type === "stage-failed" ? e.stage : ""))).to.deep.equal([
      "eu/eu-op2",
    ]);
  });

  for (const scope of ["stage", "wave", "release"] as const) {
    it(`when a gate fails in the second wave, rolls back by policy "${scope}"; the third wave never starts`, async () => {
      const h = makeHarness({ stacks: exampleFleet(2), scope });
      h.gates.set("eu/eu-op2", "bake", "fail");
      const outcome = await h.executor().start(h.plan, "deploy");
      expect(outcome.kind).to.equal("rolled-back");
      const failing = h.engine.deployedState("eu", "eu-op2");
      const earlierInWave = h.engine.deployedState("eu", "eu-op1");
      const firstWave = h.engine.deployedState("us", "us-op1");
      expect(failing).to.deep.equal(untouched);
      expect(earlierInWave).to.deep.equal(scope === "stage" ? flippedWarm : untouched);
      expect(firstWave).to.deep.equal(scope === "release" ? untouched : flippedWarm);
      expect(h.engine.deployedState("apac", "apac-op1")).to.deep.equal(untouched);
      expect(h.changes().some((c) => c.startsWith("up apac"))).to.equal(false);
      expect(h.gates.calls.some((c) => c.includes("apac/"))).to.equal(false);
      // The rollback is a flip back to the warm color first, then the restore.
      const rollback = (await h.events()).find((e) => e.type === "rollback-started");
      expect(rollback).to.include({ scope, cause: "failure" });
      expect(h.engine.configuredRelease("us")).to.equal(scope === "release" ? "2.0.0" : RELEASE);
    });
  }

  it("rolls back when a probe times out (errors in a row over the limit)", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    h.gates.never("us/us-op1", "verify");
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    const failed = (await h.events()).find((e) => e.type === "stage-failed");
    expect(failed && failed.type === "stage-failed" ? failed.reason : "").to.match(
      /errors in a row.*timed out after 5000ms/,
    );
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(untouched);
    expect(h.engine.flipCount("us", "us-op1")).to.equal(0);
  });

  it("blocks the release on a mandatory policy violation before any update", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us", "eu"]) });
    h.engine.preview = (stack) =>
      Promise.resolve({
        changes: {},
        violations:
          stack === "eu"
            ? [
                {
                  policyPack: "outpost-fleet",
                  policy: "required-tags",
                  enforcement: "mandatory",
                  message: "missing tag Color",
                },
              ]
            : [],
      });
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("blocked");
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal([]);
    expect(h.engine.configuredRelease("us")).to.equal("2.0.0");
    expect(h.engine.configuredRelease("eu")).to.equal("2.0.0");
  });

  it("previews every stack at once, then journals them in plan order; a failed one stops the release", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us", "eu", "apac"]) });
    let running = 0;
    let most = 0;
    h.engine.preview = async (stack) => {
      most = Math.max(most, ++running);
      // apac answers first, us last: the journal still reads us, eu, apac.
      await new Promise((resolve) =>
        setTimeout(resolve, stack === "us" ? 30 : stack === "eu" ? 20 : 10),
      );
      running--;
      if (stack === "eu") throw new Error("eu: the program failed");
      return { changes: {}, violations: [] };
    };
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(most).to.equal(3);
    expect(outcome.kind).to.equal("rolled-back");
    const preflight = (await h.events()).flatMap((e) =>
      e.type === "preflight-passed"
        ? [`passed ${e.stack}`]
        : e.type === "rollback-started"
          ? [e.reason]
          : [],
    );
    expect(preflight).to.deep.equal(["passed us", "preview of eu failed: eu: the program failed"]);
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal([]);
    for (const stack of ["us", "eu", "apac"])
      expect(h.engine.configuredRelease(stack)).to.equal("2.0.0");
  });

  it("refuses to start inside a freeze window and changes nothing", async () => {
    const h = makeHarness({
      settings: { freezeWindows: [{ name: "monday", days: ["mon"], from: "00:00", to: "24:00" }] },
    });
    const outcome = await h.executor().start(h.plan, "deploy"); // the virtual clock starts on a Monday
    expect(outcome).to.deep.include({ kind: "blocked" });
    expect(h.engine.changes()).to.deep.equal([]);
    expect(await h.events()).to.deep.equal([]);
  });

  it("refuses to start while an Outpost is mid-shift from an earlier release", async () => {
    const [us] = exampleFleet(1, ["us"]);
    const midShift = { ...us, deployment: { "us-op1": { ...untouched, candidateWeight: 50 } } };
    const h = makeHarness({ stacks: [midShift] });
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("blocked");
    expect(outcome.kind === "blocked" && outcome.reason).to.contain("us/us-op1 is mid-shift");
  });
});

describe("executor: EKS canary through Argo Rollouts", () => {
  it("watches each Rollout, promotes it at its pause after the gates pass", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]), eksOutposts: ["us-op1", "us-op2"] });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    expect(h.argo.actions).to.deep.equal(["promote us/us-op1", "promote us/us-op2"]);
  });

  it("moves the Rollout's image only at the canary step, judged through its Ingress", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]), eksOutposts: ["us-op1"] });
    const images: string[] = [];
    const up = h.engine.up.bind(h.engine);
    h.engine.up = async (stack, options) => {
      await up(stack, options);
      images.push(h.argo.state("us/us-op1").image);
    };
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    // deploy-idle and flip leave the Rollout alone; the canary step moves it; then sync, finalize.
    expect(images).to.deep.equal(["2.0.0", "2.0.0", RELEASE, RELEASE, RELEASE]);
    expect(h.argo.state("us/us-op1")).to.include({ stable: RELEASE, phase: "Healthy" });
    expect(h.gates.calls).to.include("canary us/us-op1");
    expect(h.engine.deployedState("us", "us-op1").rolloutVersion).to.equal(RELEASE);
  });

  it("a failed gate at the canary's pause aborts the Rollout and puts its image back on stable", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]), eksOutposts: ["us-op1"] });
    h.gates.set("us/us-op1", "canary", "fail");
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("rolled-back");
    expect(h.argo.actions).to.deep.equal(["abort us/us-op1", "abort us/us-op1"]);
    expect(h.argo.state("us/us-op1")).to.include({
      image: "2.0.0",
      phase: "Healthy",
      abort: false,
    });
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(untouched);
  });

  it("a stage rollback after a finished canary aborts the Rollout and restores its image", async () => {
    const h = makeHarness({
      stacks: exampleFleet(1, ["us"]),
      eksOutposts: ["us-op1"],
      scope: "stage",
    });
    h.gates.set("us/us-op1", "bake", "fail");
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("rolled-back");
    expect(h.argo.actions).to.deep.equal(["promote us/us-op1", "abort us/us-op1"]);
    expect(h.argo.state("us/us-op1")).to.include({ image: "2.0.0", phase: "Healthy" });
    expect(h.engine.deployedState("us", "us-op1").rolloutVersion).to.equal("2.0.0");
  });

  it("aborts a Rollout that does not finish in time", async () => {
    const h = makeHarness({
      stacks: exampleFleet(1, ["us"]),
      eksOutposts: ["us-op1"],
      settings: { canaryTimeoutSeconds: 30 },
    });
    // The gates at the pause never settle, so the Rollout stays paused.
    h.gates.set("us/us-op1", "canary", "pending");
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    expect(outcome.kind === "rolled-back" ? outcome.reason : "").to.match(/EKS canary/);
    expect(h.argo.actions[0]).to.equal("abort us/us-op1");
    expect(h.argo.state("us/us-op1").image).to.equal("2.0.0");
  });

  it("treats a degraded Rollout as a failed gate and aborts it in the rollback", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]), eksOutposts: ["us-op1"] });
    h.argo.degradeOn("us/us-op1");
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    expect(h.argo.actions).to.deep.equal(["abort us/us-op1"]);
    expect(h.engine.deployedState("us", "us-op1")).to.deep.equal(untouched);
  });
});
