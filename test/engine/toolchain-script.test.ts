/**
 * scripts/toolchain.sh as npm runs it: the sets it accepts, and a second run that is only a
 * stamp check (README, "The toolchain"). Runs on the real .tools, which pretest prepared.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../automation/engine/pulumi-environment";
import { requireEngine } from "../support/engine-guard";

const SCRIPT = path.join(PROJECT_ROOT, "scripts", "toolchain.sh");

function toolchain(...args: string[]) {
  const started = Date.now();
  const run = spawnSync("bash", [SCRIPT, ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr, ms: Date.now() - started };
}

describe("scripts/toolchain.sh", function () {
  this.timeout(120_000);

  it("refuses a set it does not know, naming the ones it does", () => {
    const run = toolchain("--for", "everything");

    expect(run.status).to.equal(1);
    expect(run.output).to.contain("--for takes demo or tests, not 'everything'");
  });

  for (const args of [[], ["--for", "tests"]]) {
    const set = args.length === 0 ? "demo" : "tests";
    it(`${set} set: a second run is a stamp check, in well under 2 s`, function () {
      requireEngine(this, { haproxy: true });
      const first = toolchain(...args);
      expect(first.status, first.output).to.equal(0);

      const second = toolchain(...args);

      expect(second.status, second.output).to.equal(0);
      expect(second.output).to.contain(`the ${set} set is up to date`);
      expect(second.ms).to.be.below(2000);
    });
  }
});
