import { expect } from "chai";
import { ExecutionContext } from "../../automation/executor/execution-context";
import { type GuardedStep, runGuarded, type StepRun } from "../../automation/executor/guarded-step";
import { lineStopFor } from "../../automation/executor/stop-the-line";
import { allStages, type Stage } from "../../automation/plan/plan-types";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const bob = { user: "bob", host: "laptop", pid: 7 };
const point = { wave: "us", batch: 0, step: "deploy-idle" };

/** A journal with the release started, and a context on it. */
async function started() {
  const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
  const context = new ExecutionContext(h.deps());
  await context.record({
    type: "release-started",
    attempt: 1,
    plan: h.plan,
    baselines: { us: await h.engine.readDriverConfig("us") },
    by: bob,
    command: "test",
  });
  await context.record({ type: "wave-started", wave: "us" });
  return { h, context };
}

/** One step of batch 0 of wave us whose work is `run`. */
function stepOf(run: StepRun): GuardedStep {
  return {
    point,
    boundary: { before: "deploy-idle of us batch 0" },
    at: { wave: "us", batch: 0 },
    scope: "wave",
    stages: (progress) => allStages(progress.plan).filter((s) => s.batch === 0),
    run,
  };
}

describe("executor: the guarded-step template", () => {
  it("journals the start, what the run reports, then the end; a completed step never runs again", async () => {
    const { h, context } = await started();
    const calls: { point: object; stages: readonly Stage[] }[] = [];
    const step = stepOf((_progress, at, stages) => {
      calls.push({ point: at, stages });
      return Promise.resolve({ failures: [], observed: [], evaluations: [] });
    });
    expect(await runGuarded(context, step)).to.deep.equal({ kind: "done" });
    expect(await runGuarded(context, step)).to.deep.equal({ kind: "done" });
    expect(calls).to.have.length(1);
    expect(calls[0].point).to.deep.equal(point);
    expect(calls[0].stages.map((s) => s.id)).to.deep.equal(["us/us-op1"]);
    const events = (await h.events()).slice(2);
    expect(events.map((e) => e.type)).to.deep.equal(["step-started", "step-completed"]);
    expect(events[0]).to.deep.include({ ...point, stages: ["us/us-op1"] });
  });

  it("holds a step at its boundary when an operator asked for a pause", async () => {
    const { h, context } = await started();
    await h.deps().journal.append({ type: "pause-requested", by: bob });
    let ran = false;
    const outcome = await runGuarded(
      context,
      stepOf(() => {
        ran = true;
        return Promise.resolve({ failures: [], observed: [], evaluations: [] });
      }),
    );
    expect(outcome).to.deep.equal({
      kind: "held",
      outcome: { kind: "paused", reason: "paused by bob before deploy-idle of us batch 0" },
    });
    expect(ran).to.equal(false);
  });

  it("a failure asks for the line to stop: a repair first, else a rollback by scope", async () => {
    const { h, context } = await started();
    const outcome = await runGuarded(
      context,
      stepOf((_progress, _at, stages) =>
        Promise.resolve({
          failures: [{ stage: stages[0], reason: "us: pending", needsRepair: true }],
          observed: [],
          evaluations: [],
          failure: { reason: "us/us-op1 failed at deploy-idle: us: pending", repair: ["us"] },
        }),
      ),
    );
    expect(outcome).to.deep.equal({
      kind: "stop",
      stop: {
        kind: "repair",
        reason: "us/us-op1 failed at deploy-idle: us: pending",
        stacks: ["us"],
        before: "deploy-idle of us batch 0 (pending operations on us)",
      },
    });
    // The template journals what happened; the caller stops the line once nothing else runs.
    const events = (await h.events()).slice(2);
    expect(events.map((e) => e.type)).to.deep.equal(["step-started", "stage-failed"]);

    const failure = { reason: "r", repair: [] };
    expect(lineStopFor(failure, point, "stage", { wave: "us", batch: 0 })).to.deep.equal({
      kind: "roll-back",
      cause: "failure",
      scope: "stage",
      at: { wave: "us", batch: 0 },
      reason: "r",
    });
  });

  it("an interrupted step records what it observed, neither its failures nor its completion", async () => {
    const { h, context } = await started();
    const controller = new AbortController();
    const outcome = await runGuarded(
      context,
      stepOf((_progress, _at, stages, signal) => {
        controller.abort(new Error("line stopped elsewhere"));
        expect(signal.aborted).to.equal(true);
        return Promise.resolve({
          failures: [{ stage: stages[0], reason: "bake gates: aborted" }],
          observed: [],
          evaluations: [],
          failure: { reason: "us/us-op1 failed at bake: aborted", repair: [] },
        });
      }),
      controller.signal,
    );
    expect(outcome).to.deep.equal({ kind: "interrupted" });
    const events = (await h.events()).slice(2);
    expect(events.map((e) => e.type)).to.deep.equal(["step-started"]);
  });
});
