import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JournalFile } from "../../automation/journal/journal-file";
import { ExitCode } from "../../automation/support/exit-codes";
import { runCli } from "./support/cli-harness";
import { makeHarness } from "./support/executor-harness";
import { exampleFleet, fleetStack, writeProject } from "./support/fleet-fixture";

const HOUR = 3_600_000;

describe("cli: deploy of production stacks needs a fresh staging pass", () => {
  const stacks = [
    ...exampleFleet(2, ["us", "eu"]),
    fleetStack("staging-us", ["stg1"], { regionGroup: "us", environment: "staging" }),
  ];
  const project = writeProject(stacks, { waveOrder: ["us", "eu"], concurrency: 1 });

  /** A journal folder whose release 2.1.0 passed wave 0 `hoursAgo` hours ago. */
  async function journalWithPass(
    hoursAgo: number,
    release = "2.1.0",
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-pass-")),
  ): Promise<string> {
    const at = Date.now() - hoursAgo * HOUR;
    const journal = new JournalFile(path.join(dir, "releases", `${release}.jsonl`), () => at);
    const h = makeHarness({ stacks });
    const staging = h.plan.waves.filter((w) => w.name === "staging");
    const plan = { ...h.plan, release, waves: staging };
    await journal.append({
      type: "release-started",
      attempt: 1,
      plan,
      baselines: {},
      by: { user: "tester", host: "h", pid: 1 },
      command: "deploy --stacks staging-us",
    });
    await journal.append({ type: "wave-completed", wave: "staging" });
    await journal.append({ type: "release-finished", outcome: "succeeded" });
    return dir;
  }

  const deploy = (journalDir: string, extra: string[] = []) =>
    runCli(
      [
        "deploy",
        "--release",
        "2.1.0",
        "--stacks",
        "us,eu",
        "--project-dir",
        project,
        "--settings",
        path.join(project, "driver.yaml"),
        "--journal-dir",
        journalDir,
        ...extra,
      ],
      { PULUMI_BACKEND_URL: `file://${journalDir}/state`, PULUMI_CONFIG_PASSPHRASE: "test" },
    );

  it("a stale pass: exit 3 (blocked), naming the pass, its age, the limit and the way out", async () => {
    const result = await deploy(await journalWithPass(30));
    expect(result.code, result.stderr).to.equal(ExitCode.BlockedByPolicy);
    expect(result.stdout).to.match(
      /release 2\.1\.0: blocked: the staging pass of release 2\.1\.0 \(image digest unknown\) is too old \(max 24 h, stagingTests\.passMaxAgeHours\): release 2\.1\.0 \(image digest unknown\) at \S+, 30\.0 h ago: deploy it there first \(outpost-fleet deploy --release 2\.1\.0 --stacks staging-us\)/,
    );
    expect(result.stdout).to.contain("--skip-staging overrides");
  });

  it("no pass of this release: exit 3, naming the latest pass of another release", async () => {
    const result = await deploy(await journalWithPass(2, "2.0.9"));
    expect(result.code, result.stderr).to.equal(ExitCode.BlockedByPolicy);
    expect(result.stdout).to.match(
      /release 2\.1\.0 \(image digest unknown\) has no staging pass; the latest staging pass found is release 2\.0\.9 \(image digest unknown\) at \S+, 2\.0 h ago/,
    );
  });

  it("stagingTests.passMaxAgeHours out of range is bad input naming the key and the value", async () => {
    const dir = writeProject(stacks, { stagingTests: { passMaxAgeHours: 0 } });
    const result = await runCli([
      "plan",
      "--release",
      "2.1.0",
      "--project-dir",
      dir,
      "--settings",
      path.join(dir, "driver.yaml"),
    ]);
    expect(result.code).to.equal(ExitCode.BadInput);
    expect(result.stderr).to.contain(
      "stagingTests.passMaxAgeHours: must be a number of hours above 0 (got 0)",
    );
  });
});
