import { expect } from "chai";
import * as path from "node:path";
import { ExitCode } from "../../automation/support/exit-codes";
import { runBin, runCli } from "./support/cli-harness";
import { exampleFleet, writeProject } from "./support/fleet-fixture";

describe("cli: plan and input errors", () => {
  const project = writeProject(exampleFleet(), { waveOrder: ["us", "eu", "apac"], concurrency: 2 });
  const flags = ["--project-dir", project, "--settings", path.join(project, "driver.yaml")];

  it("plan --json prints one JSON document with waves, concurrency and rings", async () => {
    const result = await runCli(["plan", "--release", "2.1.0", "--json", ...flags]);
    expect(result.code).to.equal(ExitCode.Success);
    const doc = JSON.parse(result.stdout) as {
      release: string;
      waves: { name: string; concurrency: number; stages: object[] }[];
    };
    expect(doc.release).to.equal("2.1.0");
    expect(doc.waves.map((w) => w.name)).to.deep.equal(["us", "eu", "apac"]);
    expect(doc.waves[0]).to.deep.equal({
      name: "us",
      concurrency: 2,
      stages: [
        { stack: "us", outpost: "us-op1", ring: 0 },
        { stack: "us", outpost: "us-op2", ring: 1 },
        { stack: "us", outpost: "us-op3", ring: 1 },
        { stack: "us", outpost: "us-op4", ring: 1 },
      ],
      staging: false,
      syncStacks: ["us"],
    });
  });

  it("flags override the settings: stacks, wave order, concurrency", async () => {
    const result = await runCli([
      "plan",
      "--release",
      "2.1.0",
      "--json",
      ...flags,
      "--stacks",
      "eu,us",
      "--waves",
      "eu",
      "--concurrency",
      "3",
    ]);
    const doc = JSON.parse(result.stdout) as { waves: { name: string; concurrency: number }[] };
    expect(doc.waves.map((w) => [w.name, w.concurrency])).to.deep.equal([
      ["eu", 3],
      ["us", 3],
    ]);
  });

  it("shows the prestage by default (driver.yaml prestage: true); --prestage off restores per-stage deploy-idle", async () => {
    type Doc = {
      prestage: { concurrency: number; batches: string[][] } | null;
      steps: Record<string, string[]>;
    };
    const on = JSON.parse(
      (await runCli(["plan", "--release", "2.1.0", "--json", ...flags, "--stacks", "us"])).stdout,
    ) as Doc;
    expect(on.prestage).to.deep.equal({
      concurrency: 2,
      batches: [
        ["us/us-op1", "us/us-op2"],
        ["us/us-op3", "us/us-op4"],
      ],
    });
    expect(on.steps.us).to.deep.equal(["verify", "flip", "canary", "bake"]);
    const off = await runCli([
      "plan",
      "--release",
      "2.1.0",
      "--json",
      ...flags,
      "--stacks",
      "us",
      "--prestage",
      "off",
    ]);
    expect(off.code).to.equal(ExitCode.Success);
    const offDoc = JSON.parse(off.stdout) as Doc;
    expect(offDoc.prestage).to.equal(null);
    expect(offDoc.steps.us).to.deep.equal(["deploy-idle", "verify", "flip", "canary", "bake"]);
    const text = await runCli(["plan", "--release", "2.1.0", ...flags, "--stacks", "us"]);
    expect(text.stdout).to.contain(
      "  1. prestage: launch and warm every Outpost's idle color on 2.1.0, no traffic",
    );
    expect(text.stdout).to.contain("  2. wave us (concurrency 2)");
  });

  it("a settings file can turn the prestage off, and --prestage on turns it back on", async () => {
    const off = writeProject(exampleFleet(1, ["us"]), { prestage: false });
    const offFlags = ["--project-dir", off, "--settings", path.join(off, "driver.yaml")];
    const plain = await runCli(["plan", "--release", "2.1.0", "--json", ...offFlags]);
    expect((JSON.parse(plain.stdout) as { prestage: unknown }).prestage).to.equal(null);
    const forced = await runCli([
      "plan",
      "--release",
      "2.1.0",
      "--json",
      ...offFlags,
      "--prestage",
      "on",
    ]);
    expect((JSON.parse(forced.stdout) as { prestage: unknown }).prestage).to.deep.equal({
      concurrency: 1,
      batches: [["us/us-op1"]],
    });
  });

  const cases: [string, string[], RegExp][] = [
    ["a bad version", ["plan", "--release", "v2"], /--release = "v2": must be a semantic version/],
    ["a missing version", ["plan"], /--release is required/],
    [
      "an unknown stack",
      ["plan", "--release", "2.1.0", "--stacks", "us,mars"],
      /--stacks = "mars": unknown stack; must be among apac, eu, us/,
    ],
    [
      "an unknown flag",
      ["plan", "--release", "2.1.0", "--frobnicate"],
      /unknown flag --frobnicate: allowed flags are .*--stacks/,
    ],
    [
      "a bad concurrency",
      ["plan", "--release", "2.1.0", "--concurrency", "lots"],
      /--concurrency = "lots": must be a whole number/,
    ],
    [
      "a bad rollback scope",
      ["plan", "--release", "2.1.0", "--rollback-scope", "planet"],
      /--rollback-scope = "planet": must be one of stage, wave, release/,
    ],
    [
      "a bad --prestage value",
      ["plan", "--release", "2.1.0", "--prestage", "yes"],
      /--prestage = "yes": must be on or off/,
    ],
    [
      "a bad --prestage value on deploy",
      ["deploy", "--release", "2.1.0", "--prestage", "sometimes", "--dry-run"],
      /--prestage = "sometimes": must be on or off/,
    ],
    [
      "a bad --pipeline-waves value",
      ["plan", "--release", "2.1.0", "--pipeline-waves", "fast"],
      /--pipeline-waves = "fast": must be on or off/,
    ],
    ["an unknown command", ["deplyo"], /unknown command "deplyo": must be one of plan, deploy/],
  ];
  for (const [what, argv, message] of cases) {
    it(`exits ${ExitCode.BadInput} on ${what}, naming the flag, without a stack trace`, async () => {
      const result = await runCli([...argv, ...flags]);
      expect(result.code).to.equal(ExitCode.BadInput);
      expect(result.stderr).to.match(message);
      expect(result.stderr).not.to.match(/\n\s+at /);
      expect(result.stdout).to.equal("");
    });
  }

  it("the bin launcher runs the same CLI and exits nonzero on user errors", () => {
    const ok = runBin(["plan", "--release", "2.1.0", "--json", ...flags]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect((JSON.parse(ok.stdout) as { waves: unknown[] }).waves).to.have.length(3);
    const bad = runBin(["plan", "--release", "2.1", ...flags]);
    expect(bad.code).to.equal(ExitCode.BadInput);
    expect(bad.stderr.trim()).to.equal(
      'outpost-fleet: --release = "2.1": must be a semantic version such as 2.1.0 or 2.1.0-rc.1',
    );
  });
});
