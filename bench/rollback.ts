/**
 * Rollback time on the local target, on the real engine and the real driver: `--runs` bad
 * releases in a row on one local stack under steady load. Each release fails 30% of the
 * storefront route (it passes the preview path), so the candidate's own traffic catches it at
 * its first shift and the driver rolls back. For each run it reports, from the failed gate:
 *
 *   - until the load saw only the stable version on every moved Outpost (traffic back), and
 *   - until the journal's rollback-completed (config restored, stack-wide resources synced),
 *
 * then p50, p99 and max over the runs. Failed production requests are counted too (only the
 * canary's 10% share meets the bad release, and only until the rollback).
 *
 * Usage: npm run bench:rollback -- [--runs 10] [--outposts 2]
 * Needs `npm run toolchain` and HAProxy. Destroys what it made; leaves no process behind.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import yargs from "yargs";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
import { scratchProject } from "../automation/engine/scratch-project";
import { JournalFile } from "../automation/journal/journal-file";
import type { OutpostOutputs } from "../infra/contract";
import { rollbackFigures } from "../scripts/demo/demo-summary";
import { type StackFileConfig, withOutposts } from "../scripts/demo/fleet-shape";
import { runDriverProcess } from "./lib/driver-process";
import { runLoad } from "./lib/http-load";
import { spreadOf } from "./lib/switch-gap";

const STACK = "local-us";
const STABLE = "2.0.0";
const SETTINGS = {
  waveOrder: ["us"],
  concurrency: "100%",
  traffic: { aws: [100], local: [10, 50, 100] },
  rollbackScope: "wave",
  prestage: false,
  bakeSeconds: 2,
  scaleDownDelaySeconds: 0,
  analysis: { intervalSeconds: 1, consecutiveSuccesses: 2, failureLimit: 1, maxErrorRate: 0.01 },
  policyPacks: [],
};

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("runs", { type: "number", default: 10, describe: "bad releases, one after another" })
    .option("outposts", { type: "number", default: 2, describe: "Outposts of the local stack" })
    .strict()
    .parseSync();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-rollback-"));
  const project = scratchProject(path.join(work, "project"), [STACK]);
  const stackFile = path.join(project, `Pulumi.${STACK}.yaml`);
  const releases = Array.from({ length: args.runs }, (_, i) => `2.1.${i + 1}`);
  const shaped = withOutposts(
    STACK,
    parse(fs.readFileSync(stackFile, "utf8")) as StackFileConfig,
    args.outposts,
  );
  // Every release of the bench fails 30% of "/" (stack config, as the demo's --bad-paths /).
  const faults = Object.fromEntries(releases.map((r) => [r, { errorRate: 0.3, paths: ["/"] }]));
  const config = { ...shaped.config, "outpost-fleet:localFaults": faults };
  fs.writeFileSync(stackFile, stringify({ ...shaped, config }));
  const settingsFile = path.join(work, "driver.yaml");
  fs.writeFileSync(settingsFile, stringify(SETTINGS));
  const stateDir = path.join(work, "state");
  const environment = pulumiEnvironment({ stateDir });
  const envVars = { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(work, "run") };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: STACK, workDir: project },
    { pulumiCommand: await pulumiCommand(environment), envVars },
  );
  try {
    const up = await stack.up({ onOutput: () => undefined });
    const sites = Object.values(up.outputs.outposts.value as Record<string, OutpostOutputs>);
    const traffic: number[] = [];
    const complete: number[] = [];
    let failed = 0;
    let requests = 0;
    for (const release of releases) {
      const journalDir = path.join(work, "journal");
      const driver = runDriverProcess(
        [
          "deploy",
          ...["--release", release, "--stacks", STACK, "--project-dir", project],
          ...["--state-dir", stateDir, "--journal-dir", journalDir, "--settings", settingsFile],
        ],
        envVars,
        path.join(work, "driver.log"),
      );
      const loads = await Promise.all(
        sites.map(async (site) => ({
          stage: `${STACK}/${site.outpost}`,
          load: await runLoad({
            port: Number(new URL(site.endpoint).port),
            path: "/",
            durationMs: 600_000,
            concurrency: 4,
            ratePerSecond: 100,
            until: driver,
          }),
        })),
      );
      const code = await driver;
      const journal = new JournalFile(path.join(journalDir, "releases", `${release}.jsonl`));
      const { events } = await journal.read();
      const caught = events.find((e) => e.type === "stage-failed");
      const { rollbackMs, rollbackCompletedMs } = rollbackFigures(events, loads, STABLE);
      if (code !== 1 || rollbackMs === undefined || caught?.type !== "stage-failed") {
        throw new Error(`${release}: expected a rollback (exit 1), got exit ${code}; see ${work}`);
      }
      const runFailed = loads.reduce((sum, { load }) => sum + load.failed, 0);
      const runRequests = loads.reduce((sum, { load }) => sum + load.total, 0);
      traffic.push(rollbackMs);
      complete.push(rollbackCompletedMs ?? NaN);
      failed += runFailed;
      requests += runRequests;
      console.log(
        `  ${release}: caught at ${caught.step}; traffic back ${rollbackMs} ms, ` +
          `rollback complete ${rollbackCompletedMs} ms, ${runFailed} of ${runRequests} requests failed`,
      );
    }
    const show = (values: number[]) => {
      const { p50, p99, max } = spreadOf(values);
      return `p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`;
    };
    console.log(`rollback over ${args.runs} bad releases on ${sites.length} Outposts:`);
    console.log(`  failed gate -> only the stable version answers: ${show(traffic)}`);
    console.log(`  failed gate -> rollback-completed (journal):    ${show(complete)}`);
    console.log(`  production requests failed: ${failed} of ${requests}`);
  } finally {
    await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
