import { expect } from "chai";
import { EventClock } from "../../bench/lib/event-clock";
import { MemoryJournal } from "../../bench/lib/memory-journal";
import type { JournalEvent } from "../../automation/journal/journal-events";
import type { ReleaseSchedule } from "../../automation/plan/plan-types";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";
import { formatStatus } from "../../automation/cli/status-text";
import { statusView } from "../../automation/operations/status-report";
import { replay } from "../../automation/progress/release-progress";

const PIPELINED: ReleaseSchedule = { pipelineWaves: true, prestageBesideStagingTests: false };
const STRICT: ReleaseSchedule = { pipelineWaves: false, prestageBesideStagingTests: false };

/**
 * us and eu, two Outposts each (canary and one follower), every Outpost with an EKS Rollout;
 * on the event clock, so side-by-side waits overlap the way real ones do.
 */
function pipelineHarness(schedule: ReleaseSchedule, approval: "none" | "each-wave" = "none") {
  const clock = new EventClock();
  const h = makeHarness({
    approval,
    stacks: exampleFleet(2, ["us", "eu"]),
    eksOutposts: ["us-op1", "us-op2", "eu-op1", "eu-op2"],
    prestage: true,
    schedule,
    clock,
  });
  const journal = new MemoryJournal(() => clock.now());
  return { h, clock, journal, run: () => h.executor(journal).start(h.plan, "deploy") };
}

type StepEvent = Extract<JournalEvent, { type: "step-started" | "step-completed" }>;
const isStep = (e: JournalEvent): e is StepEvent =>
  e.type === "step-started" || e.type === "step-completed";

/** The instant (ms) of the first `type` event of `wave/batch/step`. */
function at(events: readonly JournalEvent[], type: StepEvent["type"], id: string): number {
  const found = events.find(
    (e) => isStep(e) && e.type === type && `${e.wave}/${e.batch}/${e.step}` === id,
  );
  if (found === undefined) throw new Error(`no ${type} of ${id}`);
  return Date.parse(found.at);
}

const seconds = (events: readonly JournalEvent[], type: JournalEvent["type"]) => {
  const start = Date.parse(events[0].at);
  const end = events.find((e) => e.type === type);
  if (end === undefined) throw new Error(`no ${type}`);
  return (Date.parse(end.at) - start) / 1000;
};

describe("executor: waves in a pipeline", () => {
  it("runs a batch's EKS canary beside its bake, and the next wave's canary beside the last bake", async () => {
    const { journal, run } = pipelineHarness(PIPELINED);
    expect(await run()).to.deep.equal({ kind: "succeeded" });
    const { events } = await journal.read();
    // Beside: the canary and the bake of one batch both start before either ends.
    expect(at(events, "step-started", "us/0/bake")).to.be.below(
      at(events, "step-completed", "us/0/canary"),
    );
    expect(at(events, "step-started", "us/0/canary")).to.be.below(
      at(events, "step-completed", "us/0/bake"),
    );
    // Overlap: eu's canary verifies before us's last batch has baked.
    expect(at(events, "step-started", "eu/0/verify")).to.be.below(
      at(events, "step-completed", "us/1/bake"),
    );
    // A follower verifies its prestaged idle color beside the batch before's soak, and flips
    // only after that soak passed.
    expect(at(events, "step-started", "us/1/verify")).to.be.below(
      at(events, "step-completed", "us/0/bake"),
    );
    expect(at(events, "step-started", "us/1/flip")).to.be.at.least(
      Math.max(
        at(events, "step-completed", "us/0/bake"),
        at(events, "step-completed", "us/0/canary"),
      ),
    );
    // eu's followers flip only after us has ended.
    const usEnd = Date.parse(
      events.find((e) => e.type === "wave-completed" && e.wave === "us")?.at ?? "",
    );
    expect(at(events, "step-started", "eu/1/flip")).to.be.at.least(usEnd);
    // Deployed before finalize: release-deployed, then the scale-down.
    const types = events.map((e) => e.type);
    expect(types.indexOf("release-deployed")).to.be.below(types.indexOf("finalize-started"));
  });

  it("is faster than strict sequence on the same fleet, with the same steps journaled", async () => {
    const strict = pipelineHarness(STRICT);
    const pipelined = pipelineHarness(PIPELINED);
    expect(await strict.run()).to.deep.equal({ kind: "succeeded" });
    expect(await pipelined.run()).to.deep.equal({ kind: "succeeded" });
    const strictEvents = (await strict.journal.read()).events;
    const pipelinedEvents = (await pipelined.journal.read()).events;
    const completed = (events: readonly JournalEvent[]) =>
      events
        .filter(isStep)
        .filter((e) => e.type === "step-completed")
        .map((e) => `${e.wave}/${e.batch}/${e.step}`)
        .sort();
    expect(completed(pipelinedEvents)).to.deep.equal(completed(strictEvents));
    expect(seconds(pipelinedEvents, "release-deployed")).to.be.below(
      0.8 * seconds(strictEvents, "release-deployed"),
    );
    for (const h of [strict.h, pipelined.h])
      for (const stage of h.plan.waves.flatMap((w) => w.stages)) {
        const state = h.engine.deployedState(stage.stack, stage.outpost);
        const serving = state.activeColor === "blue" ? state.blueVersion : state.greenVersion;
        expect(serving, stage.id).to.equal("2.1.0");
      }
  });

  it("a failure in the next wave's canary stops the bake in flight and rolls back both waves", async () => {
    const { h, journal, run } = pipelineHarness(PIPELINED);
    h.gates.set("eu/eu-op1", "verify", "fail");
    const outcome = await run();
    expect(outcome.kind).to.equal("rolled-back");
    const { events } = await journal.read();
    const rollback = events.find((e) => e.type === "rollback-started");
    expect(rollback).to.deep.include({ cause: "failure", scope: "wave" });
    // us's last batch was still baking: it is in flight, so wave scope covers us too.
    expect(rollback && "stages" in rollback ? [...rollback.stages].sort() : []).to.deep.equal([
      "eu/eu-op1",
      "eu/eu-op2",
      "us/us-op1",
      "us/us-op2",
    ]);
    expect(
      events.some(
        (e) => e.type === "step-completed" && e.wave === "us" && e.batch === 1 && e.step === "bake",
      ),
    ).to.equal(false);
    for (const stage of h.plan.waves.flatMap((w) => w.stages)) {
      const state = h.engine.deployedState(stage.stack, stage.outpost);
      expect(state.activeColor, stage.id).to.equal("blue");
      expect(state.candidateWeight, stage.id).to.equal(0);
    }
  });

  it("a follower's verify failing beside the batch before's soak stops that soak and rolls the wave back", async () => {
    const { h, journal, run } = pipelineHarness(PIPELINED);
    h.gates.set("us/us-op2", "verify", "fail");
    expect((await run()).kind).to.equal("rolled-back");
    const { events } = await journal.read();
    // The verify ran ahead, after us's canary batch flipped, and failed while that batch still
    // soaked: its bake never completed, and no follower flipped.
    const index = (type: StepEvent["type"], id: string) =>
      events.findIndex(
        (e) => isStep(e) && e.type === type && `${e.wave}/${e.batch}/${e.step}` === id,
      );
    expect(index("step-started", "us/1/verify")).to.be.above(index("step-completed", "us/0/flip"));
    expect(
      events.some(
        (e) => e.type === "step-completed" && e.wave === "us" && e.batch === 0 && e.step === "bake",
      ),
    ).to.equal(false);
    expect(
      events.some((e) => e.type === "step-started" && e.step === "flip" && e.batch === 1),
    ).to.equal(false);
    expect(events.find((e) => e.type === "rollback-started")).to.deep.include({ scope: "wave" });
    for (const stage of h.plan.waves.flatMap((w) => w.stages)) {
      const state = h.engine.deployedState(stage.stack, stage.outpost);
      expect(state.activeColor, stage.id).to.equal("blue");
      expect(state.candidateWeight, stage.id).to.equal(0);
    }
  });

  it("a failure in a wave that no other wave overlaps rolls back only that wave (scope wave)", async () => {
    const { h, journal, run } = pipelineHarness(PIPELINED);
    h.gates.set("us/us-op1", "verify", "fail");
    expect((await run()).kind).to.equal("rolled-back");
    const rollback = (await journal.read()).events.find((e) => e.type === "rollback-started");
    // eu was only pre-staged: it goes back too, as in strict sequence (nothing engaged).
    expect(rollback).to.deep.include({ scope: "wave" });
    expect(
      (await journal.read()).events.some((e) => e.type === "wave-started" && e.wave === "eu"),
    ).to.equal(false);
  });

  it("a wave waiting for its approval stops waiting when the wave before fails: the line stops, nothing hangs", async () => {
    const { h, journal } = pipelineHarness(PIPELINED, "each-wave");
    // us is approved as soon as the release starts; eu's approval never comes, and us's
    // follower fails its bake while eu's start waits.
    const append = journal.append.bind(journal);
    journal.append = async (body) => {
      const event = await append(body);
      if (body.type === "release-started")
        await append({
          type: "promote-requested",
          by: { user: "ops", host: "ci", pid: 1 },
          wave: "us",
        });
      return event;
    };
    h.gates.set("us/us-op2", "bake", "fail");
    const outcome = await h.executor(journal).start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    const { events } = await journal.read();
    expect(events.some((e) => e.type === "wave-started" && e.wave === "eu")).to.equal(false);
    expect(events.find((e) => e.type === "rollback-started")).to.deep.include({ scope: "wave" });
  });

  it("status shows the overlap: both waves' batches in flight, a batch's soak steps side by side", async () => {
    const { journal, run } = pipelineHarness(PIPELINED);
    expect(await run()).to.deep.equal({ kind: "succeeded" });
    const { events } = await journal.read();
    // The journal as status reads it the moment eu's canary started to verify.
    const cut = events.findIndex(
      (e) => e.type === "step-started" && e.wave === "eu" && e.batch === 0 && e.step === "verify",
    );
    const progress = replay(events.slice(0, cut + 1));
    if (progress === undefined) throw new Error("no release in the journal");
    const view = statusView(progress, { state: "free" });
    expect(view.inFlight).to.deep.equal(["us batch 1: canary, bake", "eu canary: verify"]);
    const text = formatStatus(view).split("\n");
    expect(text).to.include("  in flight: us batch 1: canary, bake; eu canary: verify");
    expect(text).to.include("    batch 1  us/us-op2: verify ✓ > flip ✓ > (canary … | bake …)");
    expect(text).to.include("    canary   eu/eu-op1: verify … > flip > (canary | bake)");
    // Strict sequence: no side-by-side group, one batch in flight at a time.
    const strict = pipelineHarness(STRICT);
    await strict.run();
    const strictEvents = (await strict.journal.read()).events;
    const at = strictEvents.findIndex((e) => e.type === "step-started" && e.wave === "eu");
    const strictView = statusView(replay(strictEvents.slice(0, at + 1))!, { state: "free" });
    expect(strictView.inFlight).to.have.length(1);
    expect(formatStatus(strictView)).to.include("verify ✓ > flip ✓ > canary ✓ > bake ✓");
  });
});
