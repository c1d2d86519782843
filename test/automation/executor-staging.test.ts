import { expect } from "chai";
import { outcomeReason } from "../../automation/cli/outcome-text";
import { formatStatus } from "../../automation/cli/status-text";
import { statusView } from "../../automation/operations/status-report";
import { replay } from "../../automation/progress/release-progress";
import { exampleFleet, fleetStack, settled } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const free = { state: "free" } as const;

/** us and eu in production, and one staging stack of two Outposts in region group us. */
const fleetWithStaging = () => [
  ...exampleFleet(2, ["us", "eu"]),
  fleetStack("staging-us", ["stg1", "stg2"], { regionGroup: "us", environment: "staging" }),
];

describe("executor: wave 0, the staging stacks", () => {
  it("runs wave 0 with its test step first, then the prestage, then the production waves", async () => {
    const h = makeHarness({ stacks: fleetWithStaging(), concurrency: 2, prestage: true });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    const steps = (await h.events()).flatMap((e) =>
      e.type === "step-started" ? [`${e.wave}#${e.batch}#${e.step}`] : [],
    );
    expect(steps.slice(0, 8)).to.deep.equal([
      "staging#0#deploy-idle",
      "staging#0#verify",
      "staging#0#flip",
      "staging#0#canary",
      "staging#0#test",
      "staging#0#bake",
      "staging#1#sync-stack",
      "prestage#0#prestage",
    ]);
    expect(h.gates.calls.filter((c) => c.startsWith("test "))).to.deep.equal([
      "test staging-us/stg1",
      "test staging-us/stg2",
    ]);
    // Production stages never run the test gates.
    expect(h.gates.calls.filter((c) => /^test (us|eu)\//.test(c))).to.deep.equal([]);
  });

  it("a release that fails a test gate in staging never touches a production Outpost", async () => {
    const h = makeHarness({ stacks: fleetWithStaging(), concurrency: 2, prestage: true });
    h.gates.set("staging-us/stg1", "test", "fail");
    const outcome = await h.executor().start(h.plan, "deploy");
    expect(outcome.kind).to.equal("rolled-back");
    expect(outcome).to.have.property("reason").that.contains("staging-us/stg1 failed at test");
    // Production stacks were previewed with the release (preflight) and nothing else.
    const production = h.changes().filter((c) => / (us|eu)( |$)/.test(c));
    expect(production.every((c) => /^(write-config (us|eu) release=|preview )/.test(c))).to.equal(
      true,
      production.join("\n"),
    );
    for (const [stack, outpost] of [
      ["us", "us-op1"],
      ["eu", "eu-op2"],
    ]) {
      expect(h.engine.deployedState(stack, outpost)).to.deep.equal(settled("2.0.0"));
    }
    for (const outpost of ["stg1", "stg2"]) {
      expect(h.engine.deployedState("staging-us", outpost)).to.deep.equal(settled("2.0.0"));
    }
    const progress = replay(await h.events());
    if (progress === undefined) throw new Error("no release in the journal");
    expect([...progress.startedWaves]).to.deep.equal(["staging"]);
    expect(progress.rollback?.stages).to.deep.equal(["staging-us/stg1", "staging-us/stg2"]);
    const status = formatStatus(statusView(progress, free));
    expect(status).to.contain("  test gates (staging):\n    staging-us/stg1\n      scripted fail");
    expect(status).to.contain("  wave us: not started");
    expect(status).to.contain(
      "    batch 0  staging-us/stg1, staging-us/stg2: deploy-idle ✓ > verify ✓ > flip ✓ > canary ✓ > test ✗ > bake\n",
    );
    // In the order they run: wave 0, the prestage, the production waves.
    const at = (text: string) => status.indexOf(text);
    expect(at("  wave staging: rolled back")).to.be.below(at("  prestage (idle colors"));
    expect(at("  prestage (idle colors")).to.be.below(at("  wave us:"));
    expect(status).to.not.contain("prestage (idle colors, no traffic): in progress");
  });

  describe("a production-only deploy", () => {
    const subset = (h: ReturnType<typeof makeHarness>, stacks: string[]) => ({
      ...h.plan,
      waves: h.plan.waves.filter((w) => w.stages.some((s) => stacks.includes(s.stack))),
      steps: Object.fromEntries(Object.entries(h.plan.steps).filter(([n]) => stacks.includes(n))),
    });

    it("is refused while the release has not passed wave 0 on the fleet's staging stacks", async () => {
      const h = makeHarness({ stacks: fleetWithStaging(), concurrency: 2 });
      const outcome = await h
        .executor()
        .start(subset(h, ["us", "eu"]), "deploy", { stagingStacks: ["staging-us"] });
      expect(outcome.kind).to.equal("blocked");
      expect(outcome).to.deep.include({
        reason: "release 2.1.0 (image digest unknown) has no staging pass in the journal",
        next: { kind: "deploy-to-staging-first", release: "2.1.0", stagingStacks: ["staging-us"] },
      });
      expect(outcomeReason(outcome)).to.contain("--stacks staging-us");
      expect(h.changes()).to.deep.equal([]);
      expect(await h.events()).to.deep.equal([]);
    });

    it("goes ahead once an attempt of the release completed wave 0", async () => {
      const h = makeHarness({ stacks: fleetWithStaging(), concurrency: 2 });
      const staged = await h.executor().start(subset(h, ["staging-us"]), "deploy staging");
      expect(staged).to.deep.equal({ kind: "succeeded" });
      const outcome = await h
        .executor()
        .start(subset(h, ["us", "eu"]), "deploy production", { stagingStacks: ["staging-us"] });
      expect(outcome).to.deep.equal({ kind: "succeeded" });
      expect(h.engine.deployedState("us", "us-op1").activeColor).to.equal("green");
    });
  });
});
