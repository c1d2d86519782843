/**
 * The release path on the real engine and the local target, under load, through the CLI:
 *  - a release failing 30% of its requests on a flip-only plan is stopped at `verify`, on the
 *    preview path, with zero failed production requests;
 *  - on the stepped plan (10, 50, 100), a release that fails 30% of the storefront's own route
 *    but answers the probes and /version (so it passes the preview path) is caught at its first
 *    shift, judged by the candidate's own traffic (HAProxy per server), not a diluted blend;
 *  - right after each rollback, and after a good release, `drift` finds nothing to change:
 *    sync-stack moved the stack-wide config store with the release.
 * Needs `npm run toolchain` and HAProxy; skipped with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { type LoadResult, runLoad } from "../../bench/lib/http-load";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { JournalFile } from "../../automation/journal/journal-file";
import { ExitCode } from "../../automation/support/exit-codes";
import type { OutpostOutputs } from "../../infra/contract";
import { requireEngine } from "../support/engine-guard";
import { runDriverCli, writeLocalProject } from "./support/local-project";

const STACK = "release-path-it";

/** Short bakes and a 1% limit: the gates need 299 of the candidate's requests to pass. */
const SETTINGS = {
  concurrency: "100%",
  traffic: { aws: [100], local: [10, 50, 100] },
  bakeSeconds: 2,
  scaleDownDelaySeconds: 0,
  analysis: {
    intervalSeconds: 0.5,
    probeTimeoutSeconds: 3,
    requestsPerCheck: 5,
    previewRequestsPerCheck: 100,
    maxErrorRate: 0.01,
    maxP99Ms: 2000,
    consecutiveSuccesses: 2,
    failureLimit: 1,
    consecutiveErrorLimit: 6,
    verifyTimeoutSeconds: 120,
  },
  policyPacks: [],
};

describe("engine: the release path under load (local target, real CLI)", function () {
  this.timeout(600_000);
  let work: string;
  let stack: Stack;
  let outposts: Record<string, OutpostOutputs>;
  let env: NodeJS.ProcessEnv;
  let flags: string[];

  before(async function () {
    requireEngine(this, { haproxy: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-release-path-"));
    const project = path.join(work, "project");
    writeLocalProject(project, { [STACK]: { from: "local-us" } });
    fs.writeFileSync(path.join(work, "driver.yaml"), stringify(SETTINGS));

    const stateDir = path.join(work, "state");
    const environment = pulumiEnvironment({ stateDir });
    env = { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(work, "run") };
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: project },
      { pulumiCommand: await pulumiCommand(environment), envVars: env as Record<string, string> },
    );
    const result = await stack.up({ onOutput: () => undefined });
    outposts = result.outputs.outposts.value as Record<string, OutpostOutputs>;
    flags = [
      ...["--stacks", STACK, "--project-dir", project, "--state-dir", stateDir],
      ...[
        "--journal-dir",
        path.join(work, "journal"),
        "--settings",
        path.join(work, "driver.yaml"),
      ],
    ];
  });

  after(async () => {
    await stack?.destroy({ onOutput: () => undefined }).catch(() => undefined);
    if (work && !process.env.KEEP_E2E) fs.rmSync(work, { recursive: true, force: true });
  });

  /**
   * Faults follow the version: every process of `version` fails `rate` of its requests (of
   * `paths` only, when given).
   */
  async function makeBad(version: string, rate: number, paths?: string[]): Promise<void> {
    const faults = { [version]: paths ? { errorRate: rate, paths } : { errorRate: rate } };
    const setting = { value: JSON.stringify(faults), objectValue: faults, secret: false };
    await stack.setAllConfigJson(JSON.stringify({ "outpost-fleet:localFaults": setting }));
  }

  const driver = (args: string[]) => runDriverCli([...args, ...flags], env);

  /** Runs a deploy with steady load on every Outpost's production endpoint (`route`, /version). */
  async function deployUnderLoad(
    release: string,
    extra: string[] = [],
    route = "/version",
  ): Promise<{ code: number; output: string; loads: LoadResult[]; events: JournalEvent[] }> {
    const run = driver(["deploy", "--release", release, ...extra]);
    const loads = await Promise.all(
      Object.values(outposts).map((o) =>
        runLoad({
          port: Number(new URL(o.endpoint).port),
          durationMs: 540_000,
          concurrency: 2,
          path: route,
          until: run,
        }),
      ),
    );
    const { code, output } = await run;
    const journal = new JournalFile(path.join(work, "journal", "releases", `${release}.jsonl`));
    return { code, output, loads, events: (await journal.read()).events };
  }

  const failedOf = (loads: LoadResult[]) => loads.reduce((sum, load) => sum + load.failed, 0);
  const stepsStarted = (events: JournalEvent[]) =>
    events.flatMap((e) => (e.type === "step-started" ? [e.step] : []));

  async function expectNoDrift(): Promise<void> {
    const drift = await driver(["drift"]);
    expect(drift.code, drift.output).to.equal(ExitCode.Success);
    expect(drift.output).to.contain(`stack ${STACK}: in sync`);
  }

  it("flip-only: a release failing 30% is stopped at verify, with zero failed production requests", async () => {
    await makeBad("2.1.0", 0.3);
    const { code, output, loads, events } = await deployUnderLoad("2.1.0", [
      "--traffic-steps",
      "100",
    ]);
    expect(code, output).to.equal(ExitCode.FailedRolledBack);
    const failed = events.find((e) => e.type === "stage-failed");
    expect(failed).to.deep.include({ step: "verify" });
    expect(failed?.type === "stage-failed" ? failed.reason : "").to.match(
      // The sequential test's words: the candidate's errors of its sample against the limit.
      /verify gate http-probe: .*preview .*errors \d+\/\d+ \(\d+\.\d+%, limit 1\.00%/,
    );
    expect(stepsStarted(events)).to.not.include("flip");
    expect(failedOf(loads), "failed production requests").to.equal(0);
    expect(loads.reduce((sum, load) => sum + load.total, 0)).to.be.greaterThan(100);
    await expectNoDrift();
  });

  it("stepped plan: a release broken only on its production route is caught at its first shift, by its own traffic", async () => {
    // Healthy on the probes and /version, so the preview path passes it; only the storefront's
    // route (what the load asks for) fails: only the candidate's own production traffic shows it.
    await makeBad("2.2.0", 0.3, ["/"]);
    const { code, output, loads, events } = await deployUnderLoad("2.2.0", [], "/");
    expect(code, output).to.equal(ExitCode.FailedRolledBack);
    const failed = events.find((e) => e.type === "stage-failed");
    expect(stepsStarted(events)).to.include("verify");
    expect(failed).to.deep.include({ step: "shift-10" });
    expect(failed?.type === "stage-failed" ? failed.reason : "").to.match(
      /shift gate candidate-traffic: .*(green|blue) \(own traffic\)/,
    );
    expect(stepsStarted(events)).to.not.include("shift-50");
    const production = failedOf(loads);
    const total = loads.reduce((sum, load) => sum + load.total, 0);
    // Only the canary's 10% share ever met the bad release, and only for a few checks.
    expect(production).to.be.greaterThan(0);
    expect(production / total).to.be.below(0.03);
    console.log(`      (${production} of ${total} production requests failed before the rollback)`);
    await expectNoDrift();
  });

  it("a good release goes through with zero failures, and then nothing drifts", async () => {
    await makeBad("9.9.9", 0);
    const { code, output, loads } = await deployUnderLoad("2.3.0");
    expect(code, output).to.equal(ExitCode.Success);
    expect(failedOf(loads)).to.equal(0);
    const served = loads.flatMap((load) => load.samples.slice(-5).map((s) => s.version));
    expect(new Set(served)).to.deep.equal(new Set(["2.3.0"]));
    await expectNoDrift();
  });
});
