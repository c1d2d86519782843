/**
 * Waves in a pipeline through the real bin and the real engine: two stacks, two waves; a
 * SIGKILL while wave t1's last batch bakes and wave t2's canary already runs, then `resume`.
 * Needs `npm run toolchain`; skipped without it or with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { JournalFile, parseJournal } from "../../automation/journal/journal-file";
import { ExitCode } from "../../automation/support/exit-codes";
import { requireEngine } from "../support/engine-guard";
import { BIN } from "./support/cli-harness";
import { type E2eFleet, startE2eFleet } from "./support/e2e-fleet";

const STACKS = [
  { name: "t1", outposts: ["op-a", "op-b"] },
  { name: "t2", outposts: ["op-c", "op-d"] },
];

const stepped = (events: readonly JournalEvent[], type: string, id: string) =>
  events.some(
    (e) =>
      (e.type === "step-started" || e.type === "step-completed") &&
      e.type === type &&
      `${e.wave}/${e.batch}/${e.step}` === id,
  );

describe("cli end to end: waves in a pipeline, SIGKILL in the overlap, resume", function () {
  this.timeout(300_000);
  let fleet: E2eFleet;

  before(async function () {
    requireEngine(this);
    fleet = await startE2eFleet(STACKS, {
      waveOrder: ["t1", "t2"],
      pipelineWaves: true,
      prestage: false,
      concurrency: 1,
      traffic: { aws: [100], local: [100] },
      // Long enough that t2's canary starts while t1's last batch still bakes.
      bakeSeconds: 15,
      scaleDownDelaySeconds: 0,
      analysis: {
        intervalSeconds: 0.2,
        probeTimeoutSeconds: 2,
        requestsPerCheck: 2,
        previewRequestsPerCheck: 20,
        maxErrorRate: 0.1,
        consecutiveSuccesses: 2,
        failureLimit: 0,
        verifyTimeoutSeconds: 30,
      },
      policyPacks: [],
    });
  });

  after(() => fleet?.stop());

  it("resume after a SIGKILL mid-overlap finishes both waves, each Outpost flipped once", async () => {
    const journal = new JournalFile(path.join(fleet.workDir, "journal", "releases", "2.1.0.jsonl"));
    const read = () =>
      journal.exists()
        ? parseJournal(fs.readFileSync(journal.file, "utf8"), journal.file).events
        : [];
    const child = spawn(process.execPath, [BIN, "deploy", "--release", "2.1.0", ...fleet.flags], {
      env: { ...process.env, ...fleet.env },
      stdio: "ignore",
    });
    // The overlap: t2's canary has started and t1's last bake has not ended.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const events = read();
        if (
          stepped(events, "step-started", "t2/0/verify") &&
          stepped(events, "step-started", "t1/1/bake") &&
          !stepped(events, "step-completed", "t1/1/bake")
        ) {
          clearInterval(timer);
          child.kill("SIGKILL");
          resolve();
        }
      }, 25);
      child.on("exit", () => {
        clearInterval(timer);
        reject(new Error("the driver finished before the overlap, or without one"));
      });
    });
    await new Promise((resolve) => child.once("exit", resolve));

    const status = fleet.run(["status"]);
    expect(status.stdout).to.contain("release 2.1.0 (attempt 1): stopped");
    expect(status.stdout).to.match(/in flight: t1 batch 1: bake; t2 canary: \w+/);
    const resumed = fleet.run(["resume"]);
    expect(resumed.status, resumed.stderr + resumed.stdout).to.equal(ExitCode.Success);
    expect(resumed.stdout).to.contain("release 2.1.0: succeeded");
    expect([...fleet.flips()].sort()).to.deep.equal([
      "op-a green",
      "op-b green",
      "op-c green",
      "op-d green",
    ]);
    const events = read();
    // Both waves' steps, each completed once; t1's bake was begun again, not skipped.
    for (const id of ["t1/1/bake", "t2/0/flip", "t2/1/bake"]) {
      expect(
        events.filter(
          (e) => e.type === "step-completed" && `${e.wave}/${e.batch}/${e.step}` === id,
        ),
        id,
      ).to.have.length(1);
    }
    for (const stack of ["t1", "t2"]) {
      const config = (
        parse(fleet.stackFile(stack)) as { config: Record<string, Record<string, unknown>> }
      ).config;
      expect(config["outpost-fleet:release"], stack).to.deep.equal({ version: "2.1.0" });
    }
  });
});
