import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../automation/cli/cli-io";
import {
  errorAnnotation,
  escapeData,
  githubAnnotations,
  releaseSummary,
} from "../../automation/cli/github-actions";
import { replay } from "../../automation/progress/release-progress";
import { makeHarness } from "./support/executor-harness";
import { runCli } from "./support/cli-harness";
import { exampleFleet, writeProject } from "./support/fleet-fixture";

function io(env: NodeJS.ProcessEnv): CliIo & { out: () => string } {
  let out = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => true },
    stdin: new PassThrough(),
    env,
    out: () => out,
  };
}

describe("driver output in GitHub Actions", () => {
  async function failedRelease() {
    const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]) });
    h.gates.set("eu/eu-op1", "bake", "fail");
    const outcome = await h.executor().start(h.plan, "outpost-fleet deploy --release 2.1.0");
    return { events: await h.events(), outcome };
  }

  it("a failed gate and the rollback it starts are ::error:: annotations, escaped", async () => {
    const { events } = await failedRelease();
    const lines = events.map(errorAnnotation).filter((l): l is string => l !== undefined);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(
      /^::error title=outpost-fleet%3A eu\/eu-op1 failed at bake::eu\/eu-op1 failed at bake: bake gate scripted/,
    );
    expect(lines[1]).to.match(
      /^::error title=outpost-fleet%3A rollback \(wave\)::rolling back eu\/eu-op1: /,
    );
    expect(escapeData("50% done\nnext\r")).to.equal("50%25 done%0Anext%0D");
  });

  it("annotations are written only when GITHUB_ACTIONS is true", async () => {
    const { events } = await failedRelease();
    const off = io({});
    const on = io({ GITHUB_ACTIONS: "true" });
    for (const event of events) {
      githubAnnotations(off)(event);
      githubAnnotations(on)(event);
    }
    expect(off.out()).to.equal("");
    expect(on.out().trim().split("\n")).to.have.length(2);
  });

  it("the job summary gives the waves, their Outposts, the result and the rollback reason", async () => {
    const { events, outcome } = await failedRelease();
    const summary = releaseSummary(replay(events)!, outcome);
    expect(summary).to.contain("## outpost-fleet: release 2.1.0: rolled-back");
    expect(summary).to.contain("| us | done | us/us-op1, us/us-op2 |");
    expect(summary).to.contain("| eu | rolled back | eu/eu-op1, eu/eu-op2 |");
    expect(summary).to.match(
      /\*\*Result:\*\* rolled-back: eu\/eu-op1 failed at bake: bake gate scripted/,
    );
    expect(summary).to.match(/\*\*Rollback\*\* \(wave, completed\): eu\/eu-op1 failed at bake/);
    expect(summary).to.contain("- eu/eu-op1: bake gate scripted");
  });

  it("plan appends its waves and places to $GITHUB_STEP_SUMMARY", async () => {
    const project = writeProject(exampleFleet(2, ["us"]), {});
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "summary-")), "summary.md");
    const result = await runCli(
      [
        "plan",
        "--release",
        "2.1.0",
        "--project-dir",
        project,
        "--settings",
        path.join(project, "driver.yaml"),
      ],
      {
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: file,
        PULUMI_BACKEND_URL: "s3://fleet-state",
        PULUMI_HOME: project,
      },
    );
    expect(result.code, result.stderr).to.equal(0);
    const summary = fs.readFileSync(file, "utf8");
    expect(summary).to.contain("## outpost-fleet plan: release 2.1.0");
    expect(summary).to.contain("Backend: s3://fleet-state (from PULUMI_BACKEND_URL)");
    expect(summary).to.match(
      /Journal and lock: s3:\/\/fleet-state\/.outpost-fleet\/outpost-fleet-project-\w+ \(beside the state/,
    );
    expect(summary).to.contain("| us | canary | us/us-op1 |");
    expect(summary).to.match(
      /Prestage: every Outpost's idle color before wave 1, no traffic, \d+ at a time \(\d+ batches\)/,
    );
  });
});
