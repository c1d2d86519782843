/**
 * Staging first, on the real engine and the local target, through the CLI: a release that is
 * healthy but wrong (it answers 200 with an empty catalogue) passes verify and the shifts on the
 * staging stack, is caught there by the integration test gate, and is rolled back, while the
 * production stack is never updated: no engine update, its processes untouched. `status` shows
 * the test gates' results per staging Outpost.
 * Needs `npm run toolchain` and HAProxy; skipped with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { JournalFile } from "../../automation/journal/journal-file";
import { ExitCode } from "../../automation/support/exit-codes";
import type { OutpostOutputs } from "../../infra/contract";
import { requireEngine } from "../support/engine-guard";
import { runDriverCli, type StackConfig, writeLocalProject } from "./support/local-project";

const RELEASE = "2.1.0";
/** The release answers /api/products with no products: healthy, and wrong. */
const BROKEN = { [RELEASE]: { errorRate: 0, brokenPaths: ["/api/products"] } };

const SETTINGS = {
  concurrency: "100%",
  traffic: { aws: [100], local: [100] },
  bakeSeconds: 1,
  scaleDownDelaySeconds: 0,
  analysis: {
    intervalSeconds: 0.5,
    probeTimeoutSeconds: 3,
    previewRequestsPerCheck: 100,
    consecutiveSuccesses: 2,
    failureLimit: 1,
    consecutiveErrorLimit: 6,
    verifyTimeoutSeconds: 120,
  },
  policyPacks: [],
};

/** One Outpost per stack, and the bad release's faults on both. */
const oneOutpostBroken = (config: StackConfig) => {
  config["outpost-fleet:outposts"] = (config["outpost-fleet:outposts"] as unknown[]).slice(0, 1);
  config["outpost-fleet:localFaults"] = BROKEN;
};

describe("engine: staging first (local target, real CLI)", function () {
  this.timeout(600_000);
  let work: string;
  let stacks: Stack[];
  let env: NodeJS.ProcessEnv;
  let flags: string[];

  before(async function () {
    requireEngine(this, { haproxy: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-staging-first-"));
    const project = path.join(work, "project");
    writeLocalProject(project, {
      stg: { from: "local-staging", edit: oneOutpostBroken },
      prod: { from: "local-us", edit: oneOutpostBroken },
    });
    fs.writeFileSync(path.join(work, "driver.yaml"), stringify(SETTINGS));
    const stateDir = path.join(work, "state");
    const environment = pulumiEnvironment({ stateDir });
    env = { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(work, "run") };
    const command = await pulumiCommand(environment);
    stacks = await Promise.all(
      ["stg", "prod"].map((stackName) =>
        LocalWorkspace.createOrSelectStack(
          { stackName, workDir: project },
          { pulumiCommand: command, envVars: env as Record<string, string> },
        ),
      ),
    );
    await Promise.all(stacks.map((stack) => stack.up({ onOutput: () => undefined })));
    // Where everything lives; `deploy` adds the stacks.
    flags = [
      ...["--project-dir", project, "--state-dir", stateDir],
      ...["--journal-dir", path.join(work, "journal")],
      ...["--settings", path.join(work, "driver.yaml")],
    ];
  });

  after(async () => {
    await Promise.all(
      (stacks ?? []).map((stack) => stack.destroy({ onOutput: () => undefined }).catch(() => 0)),
    );
    if (work && !process.env.KEEP_E2E) fs.rmSync(work, { recursive: true, force: true });
  });

  it("a healthy but wrong release fails staging's integration gate; production is never updated", async () => {
    const [staging, production] = stacks;
    const productionBefore = await production.outputs();
    const updatesBefore = (await production.history()).length;

    const run = await runDriverCli(
      ["deploy", "--release", RELEASE, "--stacks", "stg,prod", ...flags],
      env,
    );
    expect(run.code, run.output).to.equal(ExitCode.FailedRolledBack);

    const journal = new JournalFile(path.join(work, "journal", "releases", `${RELEASE}.jsonl`));
    const { events } = await journal.read();
    const failed = events.find((e) => e.type === "stage-failed");
    expect(failed).to.deep.include({ wave: "staging", step: "test" });
    expect(failed?.type === "stage-failed" ? failed.reason : "").to.match(
      /test gate integration: .*\/api\/products/,
    );
    // It was healthy: verify and the flip passed before the test gates caught it.
    const started = events.flatMap((e) => (e.type === "step-started" ? [e.step] : []));
    expect(started).to.include.members(["verify", "flip", "test"]);
    expect(started).to.not.include("prestage");
    expect(events.filter((e) => e.type === "wave-started").map((e) => e.type)).to.have.length(1);

    // Production: previewed (preflight) but never updated, its processes the same.
    expect((await production.history()).length).to.equal(updatesBefore);
    const outposts = (await production.outputs()).outposts.value as Record<string, OutpostOutputs>;
    expect(outposts).to.deep.equal(productionBefore.outposts.value);
    const served = await fetch(`${Object.values(outposts)[0].endpoint}/version`);
    expect(((await served.json()) as { version: string }).version).to.equal("2.0.0");

    // Staging is back on the stable version.
    const stagingOutposts = (await staging.outputs()).outposts.value as Record<
      string,
      OutpostOutputs
    >;
    for (const outpost of Object.values(stagingOutposts)) {
      expect(outpost.versions[outpost.activeColor]).to.equal("2.0.0");
    }

    const status = await runDriverCli(["status", "--release", RELEASE, ...flags], env);
    expect(status.output).to.contain("test gates (staging):");
    expect(status.output).to.match(/integration fail: .*\/api\/products/);
  });
});
