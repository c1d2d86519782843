import { expect } from "chai";
import * as fs from "node:fs";
import { JournalFile } from "../../automation/journal/journal-file";
import { replay } from "../../automation/progress/release-progress";
import { exampleFleet } from "./support/fleet-fixture";
import { CrashingJournal, makeHarness, SimulatedCrash } from "./support/executor-harness";

type Harness = ReturnType<typeof makeHarness>;

/** Deployed state of every Outpost, and how often each flipped. */
function snapshot(h: Harness) {
  return h.plan.waves.flatMap((w) =>
    w.stages.map((s) => ({
      id: s.id,
      state: h.engine.deployedState(s.stack, s.outpost),
      flips: h.engine.flipCount(s.stack, s.outpost),
    })),
  );
}

const PIPELINED = { pipelineWaves: true, prestageBesideStagingTests: false };

/** `pipelined`: waves in a pipeline, so crashes also land while two waves are in flight. */
const harness = (prestage: boolean, pipelined = false) =>
  makeHarness({
    stacks: exampleFleet(2, ["us", "eu"]),
    eksOutposts: ["us-op1", "eu-op1"],
    prestage,
    ...(pipelined ? { schedule: PIPELINED } : {}),
  });

/** Runs to the end without crashing; returns the number of journal appends and the result. */
async function reference(setup: (h: Harness) => void, prestage: boolean, pipelined: boolean) {
  const h = harness(prestage, pipelined);
  setup(h);
  const outcome = await h.executor().start(h.plan, "deploy");
  return { outcome, appends: (await h.events()).length, snapshot: snapshot(h), h };
}

/** Crashes before the n-th append, then resumes (or starts again when nothing was recorded). */
async function crashThenResume(
  n: number,
  setup: (h: Harness) => void,
  tearTail: boolean,
  prestage: boolean,
  pipelined: boolean,
) {
  const h = harness(prestage, pipelined);
  setup(h);
  const crashing = new CrashingJournal(h.file, () => h.clock.now(), n);
  let crashed = false;
  try {
    await h.executor(crashing).start(h.plan, "deploy");
  } catch (err) {
    if (!(err instanceof SimulatedCrash)) throw err;
    crashed = true;
  }
  expect(crashed, `crash at append ${n}`).to.equal(true);
  if (tearTail && fs.existsSync(h.file)) fs.appendFileSync(h.file, '{"type":"step-comp'); // torn by the kill
  const recorded =
    fs.existsSync(h.file) && (await new JournalFile(h.file).read()).events.length > 0;
  const outcome = recorded
    ? await h.executor().resume()
    : await h.executor().start(h.plan, "deploy");
  return { h, outcome };
}

/** Each (wave, batch, step) was started at most twice (once more after the crash) and completed once. */
async function assertNoStepLostOrRepeated(h: Harness) {
  const events = await h.events();
  const key = (e: { wave: string; batch: number; step: string }) =>
    `${e.wave}#${e.batch}#${e.step}`;
  const started = new Map<string, number>();
  const completed = new Map<string, number>();
  for (const e of events) {
    if (e.type === "step-started") started.set(key(e), (started.get(key(e)) ?? 0) + 1);
    if (e.type === "step-completed") completed.set(key(e), (completed.get(key(e)) ?? 0) + 1);
  }
  for (const [k, count] of started) expect(count, k).to.be.at.most(2);
  for (const [k, count] of completed) expect(count, k).to.equal(1);
  const progress = replay(events);
  expect(progress?.finished, "the release finished").to.not.equal(undefined);
}

describe("executor: crash between any two steps, then resume", function () {
  // Every crash point replays a release over a journal file on disk (appends are fsynced):
  // a busy machine's disk, not the driver, sets the pace.
  this.timeout(60_000);
  const scenarios: [string, (h: Harness) => void, boolean, boolean?][] = [
    ["a successful release", () => undefined, false],
    [
      "a release whose second wave fails its bake and rolls back",
      (h) => h.gates.set("eu/eu-op2", "bake", "fail"),
      false,
    ],
    ["a successful release with the prestage", () => undefined, true],
    [
      "a release with the prestage whose second wave fails its bake and rolls back",
      (h) => h.gates.set("eu/eu-op2", "bake", "fail"),
      true,
    ],
    [
      "a release whose prestage fails on one stack and rolls back",
      // The launch fails on eu until the rollback is journaled, crash or no crash.
      (h) =>
        h.engine.fail((op) =>
          op.op === "up" &&
          op.stack === "eu" &&
          !(fs.existsSync(h.file) && fs.readFileSync(h.file, "utf8").includes("rollback-started"))
            ? "launch failed"
            : undefined,
        ),
      true,
    ],
    ["a pipelined release with the prestage", () => undefined, true, true],
    [
      "a pipelined release whose second wave's canary fails verify while the first bakes",
      (h) => h.gates.set("eu/eu-op1", "verify", "fail"),
      true,
      true,
    ],
  ];
  for (const [name, setup, prestage, pipelined = false] of scenarios) {
    it(`${name}: every crash point ends in the same state, no flip twice, no step lost`, async () => {
      const ref = await reference(setup, prestage, pipelined);
      expect(ref.appends).to.be.greaterThan(prestage ? 10 : 20);
      for (let n = 1; n <= ref.appends; n++) {
        const { h, outcome } = await crashThenResume(n, setup, n % 2 === 0, prestage, pipelined);
        expect(outcome.kind, `crash at append ${n}`).to.equal(ref.outcome.kind);
        expect(snapshot(h), `crash at append ${n}`).to.deep.equal(ref.snapshot);
        await assertNoStepLostOrRepeated(h);
      }
    });
  }

  it("resumes at the step that was in flight, not earlier", async () => {
    // Crash right after the flip of us-op1 was started: the flip up happened, its completion was not recorded.
    const ref = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    await ref.executor().start(ref.plan, "deploy");
    const flipStarted = (await ref.events()).findIndex(
      (e) => e.type === "step-started" && e.step === "flip",
    );
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    const crashing = new CrashingJournal(h.file, () => h.clock.now(), flipStarted + 2);
    await h
      .executor(crashing)
      .start(h.plan, "deploy")
      .catch((err: unknown) => {
        if (!(err instanceof SimulatedCrash)) throw err;
      });
    const before = await h.events();
    expect(before.at(-1)).to.include({ type: "step-started", step: "flip" });
    const upsBefore = h.changes().filter((c) => c.startsWith("up ")).length;
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    const after = h
      .changes()
      .filter((c) => c.startsWith("up "))
      .slice(upsBefore);
    // The flip is asked again (same absolute state: a no-op), then the rest; deploy-idle is not redone.
    expect(after[0]).to.equal("up us [us-op1]");
    expect(h.engine.flipCount("us", "us-op1")).to.equal(1);
    const resumedSteps = (await h.events())
      .slice(before.length)
      .filter((e) => e.type === "step-started")
      .map((e) => (e.type === "step-started" ? `${e.batch}:${e.step}` : ""));
    expect(resumedSteps[0]).to.equal("0:flip");
  });

  it("resumes mid-prestage at the batch in flight: no completed Outpost's change repeated, none skipped", async () => {
    const stacks = exampleFleet(2, ["us", "eu", "apac"]);
    const make = () => makeHarness({ stacks, concurrency: 2, prestage: true });
    const ref = make();
    await ref.executor().start(ref.plan, "deploy");
    expect(ref.plan.prestage?.batches).to.deep.equal([
      ["us/us-op1", "us/us-op2"],
      ["eu/eu-op1", "eu/eu-op2"],
      ["apac/apac-op1", "apac/apac-op2"],
    ]);
    // The kill comes after batch 1's up, before its completion is journaled.
    const completed = (await ref.events()).findIndex(
      (e) => e.type === "step-completed" && e.step === "prestage" && e.batch === 1,
    );
    const h = make();
    const crashing = new CrashingJournal(h.file, () => h.clock.now(), completed + 1);
    await h
      .executor(crashing)
      .start(h.plan, "deploy")
      .catch((err: unknown) => {
        if (!(err instanceof SimulatedCrash)) throw err;
      });
    expect((await h.events()).at(-1)).to.include({ type: "stage-observed", step: "prestage" });
    expect(h.changes().filter((c) => c.startsWith("up "))).to.deep.equal([
      "up us [us-op1,us-op2]",
      "up eu [eu-op1,eu-op2]",
    ]);
    const upsBefore = h.changes().filter((c) => c.startsWith("up ")).length;
    expect(await h.executor().resume()).to.deep.equal({ kind: "succeeded" });
    const after = h
      .changes()
      .filter((c) => c.startsWith("up "))
      .slice(upsBefore);
    // Batch 1 is asked again (the same absolute state: a no-op), batch 2 runs, batch 0 is not
    // redone; then the waves, which deploy no idle color of their own.
    expect(after.slice(0, 3)).to.deep.equal([
      "up eu [eu-op1,eu-op2]",
      "up apac [apac-op1,apac-op2]",
      "up us [us-op1]",
    ]);
    const resumedSteps = (await h.events())
      .filter((e) => e.type === "step-started" && e.wave === "prestage")
      .map((e) => (e.type === "step-started" ? e.batch : -1));
    expect(resumedSteps).to.deep.equal([0, 1, 1, 2]);
    for (const wave of h.plan.waves) {
      for (const s of wave.stages) {
        expect(h.engine.deployedState(s.stack, s.outpost), s.id).to.deep.equal(
          ref.engine.deployedState(s.stack, s.outpost),
        );
        expect(h.engine.flipCount(s.stack, s.outpost), s.id).to.equal(1);
      }
    }
  });
});
