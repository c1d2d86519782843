import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lockFile } from "../../automation/store/file/file-fleet-lock";
import { ExitCode } from "../../automation/support/exit-codes";
import { runCli } from "./support/cli-harness";
import { makeHarness } from "./support/executor-harness";
import { exampleFleet, writeProject } from "./support/fleet-fixture";

/** A journal folder holding one finished release, made by the executor on the in-memory engine. */
async function finishedRelease(
  setup: (h: ReturnType<typeof makeHarness>) => void = () => undefined,
) {
  const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]) });
  setup(h);
  const outcome = await h.executor().start(h.plan, "outpost-fleet deploy --release 2.1.0");
  return { h, outcome, journalDir: h.dir };
}

describe("cli: status, history and operator commands (from the journal)", () => {
  const project = writeProject(exampleFleet(2, ["us", "eu"]), {
    waveOrder: ["us", "eu"],
    concurrency: 1,
  });
  const common = (journalDir: string) => [
    "--project-dir",
    project,
    "--settings",
    path.join(project, "driver.yaml"),
    "--journal-dir",
    journalDir,
  ];

  it("status shows each wave, batch and step of the last release", async () => {
    const { journalDir } = await finishedRelease((h) => h.gates.set("eu/eu-op1", "bake", "fail"));
    const result = await runCli(["status", ...common(journalDir)]);
    // Rolled back by wave: us keeps 2.1.0, eu is back on 2.0.0, and status says so (exit 8).
    expect(result.code).to.equal(ExitCode.DriftDetected);
    expect(result.stdout).to.contain(
      "  fleet NOT consistent: it serves 2 versions: 2.0.0 on eu/eu-op1, eu/eu-op2; 2.1.0 on " +
        "us/us-op1, us/us-op2; to bring it back to one version run outpost-fleet rollback --release 2.1.0",
    );
    expect(result.stdout).to.contain("release 2.1.0 (attempt 1): finished (rolled-back)");
    expect(result.stdout).to.contain("wave us: done");
    expect(result.stdout).to.contain("wave eu: rolled back");
    expect(result.stdout).to.match(/FAILED eu\/eu-op1: bake gate scripted/);
    const json = await runCli(["status", "--json", ...common(journalDir)]);
    const view = (
      JSON.parse(json.stdout) as { status: { outcome: string; waves: { state: string }[] } }
    ).status;
    expect(view.outcome).to.equal("rolled-back");
    expect(view.waves.map((w) => w.state)).to.deep.equal(["done", "rolled back"]);
  });

  it("status --history lists every attempt with who, when and the outcome", async () => {
    const { h, journalDir } = await finishedRelease((x) =>
      x.gates.set("us/us-op1", "verify", "fail"),
    );
    h.gates.set("us/us-op1", "verify", "pass");
    await h.executor().start(h.plan, "outpost-fleet deploy --release 2.1.0");
    const result = await runCli(["status", "--history", "--json", ...common(journalDir)]);
    const history = (
      JSON.parse(result.stdout) as {
        history: { release: string; attempt: number; by: string; outcome: string }[];
      }
    ).history;
    expect(history.map((e) => [e.release, e.attempt, e.by, e.outcome])).to.deep.equal([
      ["2.1.0", 2, "tester", "succeeded"],
      ["2.1.0", 1, "tester", "rolled-back"],
    ]);
    const text = await runCli(["status", "--history", ...common(journalDir)]);
    expect(text.stdout.split("\n")[0]).to.match(
      /^release\s+try\s+outcome\s+by\s+started\s+finished\s+command$/,
    );
  });

  it("refuses to roll back a final release by flip and says what to do instead", async () => {
    const { journalDir } = await finishedRelease();
    const result = await runCli(["rollback", ...common(journalDir)]);
    expect(result.code).to.equal(ExitCode.BlockedByPolicy);
    expect(result.stderr).to.contain(
      "deploy the previous version instead: outpost-fleet deploy --release 2.0.0",
    );
  });

  it("pause, promote and resume say when there is nothing to act on", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-empty-"));
    const resume = await runCli(["resume", ...common(empty)]);
    expect(resume.code).to.equal(ExitCode.NothingToDo);
    expect(resume.stderr).to.match(/no release has been started/);
    const { journalDir } = await finishedRelease();
    const pause = await runCli(["pause", ...common(journalDir)]);
    expect(pause.code).to.equal(ExitCode.NothingToDo);
    expect(pause.stderr).to.contain("already finished: succeeded");
    const unknown = await runCli(["status", "--release", "9.9.9", ...common(journalDir)]);
    expect(unknown.code).to.equal(ExitCode.BadInput);
    expect(unknown.stderr).to.contain(
      '--release = "9.9.9": no journal for it; known releases: 2.1.0',
    );
  });

  it("promote names the allowed waves when --wave is wrong, and records an approval", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us", "eu"]) });
    await h.deps().journal.append({
      type: "release-started",
      attempt: 1,
      plan: h.plan,
      baselines: {},
      by: { user: "tester", host: "h", pid: 1 },
      command: "deploy",
    });
    const bad = await runCli(["promote", "--wave", "mars", ...common(h.dir)]);
    expect(bad.code).to.equal(ExitCode.BadInput);
    expect(bad.stderr).to.contain('--wave = "mars": must be a wave of release 2.1.0: us, eu');
    const ok = await runCli(["promote", "--wave", "eu", ...common(h.dir)]);
    expect(ok.code).to.equal(ExitCode.Success);
    expect(ok.stdout).to.contain(
      "approved wave eu of 2.1.0; no driver is running: run resume to continue",
    );
    expect((await h.events()).at(-1)).to.include({ type: "promote-requested", wave: "eu" });
  });

  it("a second driver is refused with exit code Locked, naming the holder", async () => {
    const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-locked-"));
    fs.writeFileSync(
      lockFile(journalDir),
      JSON.stringify({
        user: "carol",
        host: os.hostname(),
        pid: process.pid, // alive: this test process
        command: "outpost-fleet deploy --release 2.0.9",
        release: "2.0.9",
        acquiredAt: "2025-01-06T09:00:00.000Z",
        heartbeatAt: "2025-01-06T09:00:00.000Z",
      }),
    );
    // aws stacks run on the backend profile: the user's own backend and passphrase.
    const result = await runCli(["deploy", "--release", "2.1.0", ...common(journalDir)], {
      PULUMI_BACKEND_URL: `file://${journalDir}/state`,
      PULUMI_CONFIG_PASSPHRASE: "test",
    });
    expect(result.code, result.stderr).to.equal(ExitCode.Locked);
    expect(result.stderr).to.match(
      /locked by another driver: carol@.* \(pid \d+, `outpost-fleet deploy --release 2.0.9` for release 2.0.9/,
    );
    expect(result.stderr).not.to.match(/\n\s+at /);
  });

  it("deploy --dry-run --json rehearses on a simulated engine and changes nothing", async () => {
    const before = fs.readFileSync(path.join(project, "Pulumi.us.yaml"), "utf8");
    const result = await runCli([
      "deploy",
      "--release",
      "2.1.0",
      "--dry-run",
      "--json",
      ...common(fs.mkdtempSync(path.join(os.tmpdir(), "j-"))),
    ]);
    expect(result.code).to.equal(ExitCode.Success);
    const doc = JSON.parse(result.stdout) as {
      dryRun: boolean;
      outcome: { kind: string };
      operations: string[];
    };
    expect(doc.outcome.kind).to.equal("succeeded");
    // Preflight: every stack's release written, then all previewed at once.
    expect(doc.operations.slice(0, 2)).to.deep.equal([
      "write-config us release=2.1.0",
      "write-config eu release=2.1.0",
    ]);
    expect(doc.operations.slice(2, 4)).to.deep.equal(["preview us", "preview eu"]);
    expect(doc.operations).to.include("up eu [eu-op2]");
    expect(fs.readFileSync(path.join(project, "Pulumi.us.yaml"), "utf8")).to.equal(before);
  });
});
