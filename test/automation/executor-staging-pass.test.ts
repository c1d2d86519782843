import { expect } from "chai";
import { EventClock } from "../../bench/lib/event-clock";
import { MemoryJournal } from "../../bench/lib/memory-journal";
import { outcomeReason } from "../../automation/cli/outcome-text";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import type { RolloutPlan } from "../../automation/plan/plan-types";
import { replay } from "../../automation/progress/release-progress";
import { exampleFleet, fleetStack, settled } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** us and eu in production, one staging stack in region group us. */
const fleetWithStaging = () => [
  ...exampleFleet(2, ["us", "eu"]),
  fleetStack("staging-us", ["stg1", "stg2"], { regionGroup: "us", environment: "staging" }),
];

/** The harness on the event clock, with one journal whose clock can be moved on between runs. */
function setup(options: { approval?: "none" | "each-wave"; maxAgeHours?: number } = {}) {
  const h = makeHarness({
    stacks: fleetWithStaging(),
    concurrency: 2,
    approval: options.approval ?? "none",
    settings: { stagingPassMaxAgeHours: options.maxAgeHours ?? 24 },
  });
  let clock = new EventClock(T0);
  const journal = new MemoryJournal(() => clock.now());
  const withDigest = (plan: RolloutPlan, imageDigest: string): RolloutPlan => ({
    ...plan,
    artifacts: { image: "app:2.1.0", amiName: "app-2.1.0", imageDigest },
  });
  const subset = (stacks: string[], digest = "sha256:aaa"): RolloutPlan =>
    withDigest(
      {
        ...h.plan,
        waves: h.plan.waves.filter((w) => w.stages.some((s) => stacks.includes(s.stack))),
        steps: Object.fromEntries(Object.entries(h.plan.steps).filter(([n]) => stacks.includes(n))),
      },
      digest,
    );
  return {
    h,
    journal,
    subset,
    whole: (digest = "sha256:aaa") => withDigest(h.plan, digest),
    clock: () => clock,
    /** The next runs happen `hours` after T0. */
    at: (hours: number) => (clock = new EventClock(T0 + hours * HOUR)),
    executor: (extra: { prompt?: (question: string) => Promise<boolean> } = {}) =>
      new RolloutExecutor({ ...h.deps(journal), clock, ...extra }),
  };
}

const production = ["us", "eu"];
const stagingOptions = { stagingStacks: ["staging-us"] };

describe("executor: a fresh staging pass before production", () => {
  it("a production-only plan is refused with a stale pass, naming it and its age", async () => {
    const s = setup();
    expect(await s.executor().start(s.subset(["staging-us"]), "deploy staging")).to.deep.equal({
      kind: "succeeded",
    });
    const before = (await s.journal.read()).events.length;
    s.at(25);
    const outcome = await s.executor().start(s.subset(production), "deploy", stagingOptions);
    expect(outcome.kind).to.equal("blocked");
    expect(outcome)
      .to.have.property("reason")
      .that.matches(
        /^the staging pass of release 2\.1\.0 \(image sha256:aaa\) is too old \(max 24 h, stagingTests\.passMaxAgeHours\): release 2\.1\.0 \(image sha256:aaa\) at 2026-01-05T09:\d\d:\d\d\.\d{3}Z, 2[45]\.\d h ago$/,
      );
    expect(outcome).to.have.nested.property("next.kind", "deploy-to-staging-first");
    expect(outcomeReason(outcome)).to.contain("--stacks staging-us");
    // Nothing recorded, nothing changed in production.
    expect((await s.journal.read()).events).to.have.length(before);
    expect(s.h.engine.deployedState("us", "us-op1")).to.deep.equal(settled("2.0.0"));
  });

  it("the same plan goes ahead with a fresh pass, and records what it asked of staging", async () => {
    const s = setup();
    await s.executor().start(s.subset(["staging-us"]), "deploy staging");
    s.at(23);
    const outcome = await s.executor().start(s.subset(production), "deploy", stagingOptions);
    expect(outcome).to.deep.equal({ kind: "succeeded" });
    const progress = replay((await s.journal.read()).events);
    expect(progress?.staging).to.deep.equal({ check: "required", stacks: ["staging-us"] });
    expect(s.h.engine.deployedState("us", "us-op1").activeColor).to.equal("green");
  });

  it("a fresh pass of another image digest does not count, and is named", async () => {
    const s = setup();
    await s.executor().start(s.subset(["staging-us"], "sha256:aaa"), "deploy staging");
    const outcome = await s
      .executor()
      .start(s.subset(production, "sha256:bbb"), "deploy", stagingOptions);
    expect(outcome.kind).to.equal("blocked");
    expect(outcome)
      .to.have.property("reason")
      .that.contains(
        "release 2.1.0 (image sha256:bbb) has no staging pass; the latest staging pass found is release 2.1.0 (image sha256:aaa)",
      );
  });

  it("--skip-staging goes ahead without a pass and is recorded in release-started.staging", async () => {
    const s = setup();
    const outcome = await s.executor().start(s.subset(production), "deploy --skip-staging", {
      ...stagingOptions,
      skipStaging: true,
    });
    expect(outcome).to.deep.equal({ kind: "succeeded" });
    const started = (await s.journal.read()).events.find((e) => e.type === "release-started");
    expect(started).to.have.deep.property("staging", { check: "skipped", stacks: ["staging-us"] });
  });

  it("a release whose pass ages past the limit while it waits for approval is held before the production wave", async () => {
    const s = setup({ approval: "each-wave", maxAgeHours: 1 });
    const asked: string[] = [];
    const prompt = async (question: string) => {
      asked.push(question);
      // The operator answers wave 0 at once, and wave us two hours later.
      if (!question.includes("wave staging")) await s.clock().sleep(2 * HOUR);
      return true;
    };
    const outcome = await s.executor({ prompt }).start(s.whole(), "deploy");
    expect(asked).to.deep.equal([
      "Start wave staging of release 2.1.0?",
      "Start wave us of release 2.1.0?",
    ]);
    expect(outcome.kind).to.equal("blocked");
    expect(outcome).to.have.property("reason").that.contains("is too old (max 1 h");
    expect(outcome).to.have.nested.property("next.kind", "roll-back-then-restage");
    expect(outcomeReason(outcome)).to.contain("outpost-fleet rollback");
    const progress = replay((await s.journal.read()).events);
    if (progress === undefined) throw new Error("no release in the journal");
    expect([...progress.completedWaves]).to.deep.equal(["staging"]);
    expect(progress.startedWaves.has("us")).to.equal(false);
    const paused = (await s.journal.read()).events.filter((e) => e.type === "paused");
    expect(paused.map((e) => ("before" in e ? e.before : ""))).to.satisfy((list: string[]) =>
      list.some((b) => b.startsWith("wave us (the staging pass of release 2.1.0")),
    );
    // Production untouched: only previewed by the preflight.
    for (const [stack, outpost] of [
      ["us", "us-op1"],
      ["eu", "eu-op1"],
    ])
      expect(s.h.engine.deployedState(stack, outpost)).to.deep.equal(settled("2.0.0"));
  });

  it("the same wait within the limit goes on", async () => {
    const s = setup({ approval: "each-wave", maxAgeHours: 3 });
    const prompt = async (question: string) => {
      if (question.includes("wave us")) await s.clock().sleep(2 * HOUR);
      return true;
    };
    expect(await s.executor({ prompt }).start(s.whole(), "deploy")).to.deep.equal({
      kind: "succeeded",
    });
  });
});
