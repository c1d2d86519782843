/**
 * The main job on the local target: a whole fleet upgrade, watched from outside.
 *
 *   1. brings every local stack up on the current release (real processes behind HAProxy);
 *   2. starts steady HTTP load on every Outpost endpoint;
 *   3. runs the driver (`outpost-fleet deploy --ui`) for the new release, wave by wave, with the
 *      live release view in the browser (the driver prints its URL);
 *   4. stops the load, checks that every Outpost serves the new version, prints the figures;
 *   5. destroys the stacks (unless --keep), leaving no process behind.
 *
 * Everything lives in .pulumi-local/demo/: a scratch project whose stack files the driver may
 * rewrite (the committed ones stay untouched), the state backend, the journal and the driver
 * settings (short bakes, so the demo takes minutes, not the production half hour).
 *
 * Usage: npm run demo -- [--release 2.1.0] [--stacks local-us,local-eu,local-apac] [--keep]
 *        npm run demo -- --bad-release 0.3   (the release fails 30% of requests: watch the
 *                                             first wave's canary fail its gates and roll back)
 *        npm run demo -- --bad-release 0.3 --bad-paths /
 *                                            (it fails only the storefront route the load asks
 *                                             for: it passes the preview path, and its own
 *                                             production traffic catches it at the first shift)
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import * as path from "node:path";
import yargs from "yargs";
import * as fs from "node:fs";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
import { scratchProject } from "../automation/engine/scratch-project";
import { removeStaleBackendLocks } from "../automation/engine/stale-backend-locks";
import { JournalFile } from "../automation/journal/journal-file";
import { OutpostOutputs } from "../infra/contract";

const ROOT = path.resolve(__dirname, "..");

/** Rollout policy for the demo: the production policy with minutes turned into seconds. */
const DEMO_SETTINGS = `# Written by scripts/demo.ts; see automation/driver.yaml for the production policy.
waveOrder: [us, eu, apac]
concurrency: "100%"
traffic: { aws: [100], local: [10, 50, 100] }
rollbackScope: wave
bakeSeconds: 5
scaleDownDelaySeconds: 2
analysis:
  intervalSeconds: 1
  requestsPerCheck: 5
  consecutiveSuccesses: 2
  failureLimit: 1
  maxP99Ms: 500
  maxErrorRate: 0.01
policyPacks: [${path.join(ROOT, "policies")}]
`;

interface LoadResult {
  readonly endpoint: string;
  readonly requests: number;
  readonly failures: number;
  readonly p99Ms: number;
}

function say(message: string): void {
  console.log(`demo: ${message}`);
}

async function bringUp(stack: Stack): Promise<Record<string, OutpostOutputs>> {
  const result = await stack.up({ onOutput: () => undefined });
  return result.outputs.outposts.value as Record<string, OutpostOutputs>;
}

/** Steady, bounded load on one endpoint; resolves when stopped or after maxSeconds. */
function startLoad(
  endpoint: string,
  maxSeconds: number,
): { stop: () => void; done: Promise<LoadResult> } {
  let stop = () => undefined as void;
  const done = new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        // The storefront's own route, as shoppers would; every answer names its version too.
        url: `${endpoint}/`,
        connections: 4,
        // Enough traffic that a 10% candidate reaches the gates' minimum sample (299
        // requests for a 1% limit, docs/driver.md) within a few dozen seconds.
        overallRate: 100,
        duration: maxSeconds,
        timeout: 5,
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          endpoint,
          requests: result.requests.total,
          failures: result.errors + result.timeouts + result.non2xx,
          p99Ms: result.latency.p99,
        });
      },
    );
    stop = () => instance.stop();
  });
  return { stop: () => stop(), done };
}

/**
 * The driver on the local profile (`--state-dir`): the engine variables the demo uses itself
 * (PULUMI_BACKEND_URL, PULUMI_HOME) would choose the user's backend profile instead.
 */
function runDriver(args: string[], env: Record<string, string>): Promise<number> {
  const driverEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete driverEnv.PULUMI_BACKEND_URL;
  delete driverEnv.PULUMI_HOME;
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "bin", "outpost-fleet"), args, {
      cwd: ROOT,
      env: driverEnv,
      stdio: "inherit",
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** Destroys what an earlier, interrupted demo left running, then starts from an empty folder. */
async function cleanUp(demoDir: string, names: readonly string[]): Promise<void> {
  const stateDir = path.join(demoDir, "state");
  if (fs.existsSync(stateDir)) {
    const environment = pulumiEnvironment({ stateDir });
    const command = await pulumiCommand(environment);
    const projectDir = path.join(demoDir, "project");
    for (const stackName of names) {
      const stack = await LocalWorkspace.selectStack(
        { stackName, workDir: projectDir },
        {
          pulumiCommand: command,
          envVars: { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(demoDir, "run") },
        },
      ).catch(() => undefined);
      if (stack) {
        say(`destroying ${stackName}, left over from an earlier demo`);
        removeStaleBackendLocks(environment.backendUrl, stackName);
        await stack.destroy({ onOutput: () => undefined });
      }
    }
  }
  fs.rmSync(demoDir, { recursive: true, force: true });
}

/** Where the gates caught the bad release, and how long the rollback took, from the journal. */
async function reportRollback(journalDir: string, release: string): Promise<void> {
  const { events } = await new JournalFile(
    path.join(journalDir, "releases", `${release}.jsonl`),
  ).read();
  const failed = events.find((e) => e.type === "stage-failed");
  if (failed?.type !== "stage-failed") return say("no gate failed");
  const at = (e: { at: string } | undefined) => (e ? Date.parse(e.at) : NaN);
  const traffic = events.find((e) => e.type === "rollback-step-completed" && e.phase === "traffic");
  const done = events.find((e) => e.type === "rollback-completed");
  say(`caught at ${failed.step} on ${failed.stage}: ${failed.reason}`);
  say(
    `from the failed gate: traffic back on the old color after ${((at(traffic) - at(failed)) / 1000).toFixed(1)} s, ` +
      `rollback complete after ${((at(done) - at(failed)) / 1000).toFixed(1)} s`,
  );
}

async function versionOf(endpoint: string): Promise<string> {
  const response = await fetch(`${endpoint}/version`);
  return ((await response.json()) as { version: string }).version;
}

async function main(): Promise<number> {
  const argv = await yargs(process.argv.slice(2))
    .option("release", { type: "string", default: "2.1.0", describe: "Version to roll out" })
    .option("stacks", {
      type: "string",
      default: "local-us,local-eu,local-apac",
      describe: "Local stacks, comma separated",
    })
    .option("keep", {
      type: "boolean",
      default: false,
      describe: "Leave the fleet running afterwards",
    })
    .option("bad-release", {
      type: "number",
      default: 0,
      describe:
        "Share of requests (0-1) the new release fails: shows the gates stopping the line and rolling back",
    })
    .option("bad-paths", {
      type: "string",
      describe:
        "With --bad-release: the only paths that fail, comma separated (e.g. / : healthy on the probes, broken for shoppers)",
    })
    .option("traffic-steps", {
      type: "string",
      describe: "Candidate weights, passed to the driver (e.g. 100 for a single flip)",
    })
    .option("ui-port", {
      type: "number",
      default: 8090,
      describe: "Port of the live release view during the rollout (0 picks a free one)",
    })
    .option("demo-dir", {
      type: "string",
      default: path.join(ROOT, ".pulumi-local", "demo"),
      describe: "Folder for the demo's project copy, state, journal and processes",
    })
    .strict()
    .parseAsync();
  const demoDir = argv["demo-dir"];
  const names = argv.stacks.split(",").map((s) => s.trim());
  await cleanUp(demoDir, names);
  const projectDir = scratchProject(path.join(demoDir, "project"), names);
  const stateDir = path.join(demoDir, "state");
  const settingsFile = path.join(demoDir, "driver.yaml");
  fs.writeFileSync(settingsFile, DEMO_SETTINGS);
  const environment = pulumiEnvironment({ stateDir });
  const command = await pulumiCommand(environment);
  const envVars: Record<string, string> = {
    ...environment.env,
    OUTPOST_FLEET_RUN_DIR: path.join(demoDir, "run"),
  };
  const stacks = await Promise.all(
    names.map((stackName) =>
      LocalWorkspace.createOrSelectStack(
        { stackName, workDir: projectDir },
        { pulumiCommand: command, envVars },
      ),
    ),
  );

  say(`bringing up ${names.join(", ")} (everything in ${demoDir})`);
  const started = Date.now();
  const sites = (await Promise.all(stacks.map(bringUp))).flatMap((outposts) =>
    Object.values(outposts),
  );
  say(`${sites.length} Outposts up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const site of sites)
    say(
      `  ${site.outpost.padEnd(10)} ${site.endpoint}  ${site.activeColor} ${site.versions[site.activeColor]}`,
    );

  const previous = sites[0].versions[sites[0].activeColor];
  const badRelease = argv["bad-release"] > 0;
  if (badRelease) {
    // Faults follow the version (stack config localFaults, infra/local/faults.ts): every
    // process of the release fails. Set as an object (not --path, which would store the rate
    // as a string), on the scratch stacks only.
    const paths = argv["bad-paths"]?.split(",").map((p) => p.trim());
    const fault = { errorRate: argv["bad-release"], ...(paths ? { paths } : {}) };
    const faults = { [argv.release]: fault };
    const setting = {
      "outpost-fleet:localFaults": {
        value: JSON.stringify(faults),
        objectValue: faults,
        secret: false,
      },
    };
    for (const stack of stacks) await stack.setAllConfigJson(JSON.stringify(setting));
    const where = paths ? ` to ${paths.join(", ")}` : "";
    say(
      `${argv.release} is a bad release: it fails ${argv["bad-release"] * 100}% of requests${where}`,
    );
  }
  const expected = badRelease ? previous : argv.release;
  const loads = sites.map((site) => startLoad(site.endpoint, 1800));
  say(`steady load on every endpoint; rolling out ${argv.release}`);
  const rolloutStarted = Date.now();
  const code = await runDriver(
    [
      "deploy",
      ...["--release", argv.release, "--stacks", argv.stacks],
      ...["--project-dir", projectDir, "--state-dir", stateDir],
      ...["--journal-dir", path.join(demoDir, "journal"), "--settings", settingsFile],
      ...(argv["traffic-steps"] ? ["--traffic-steps", argv["traffic-steps"]] : []),
      // The live view: the driver prints its URL and serves it until the rollout ends.
      ...["--ui", "--port", String(argv["ui-port"])],
    ],
    envVars,
  );
  const rolloutSeconds = (Date.now() - rolloutStarted) / 1000;
  loads.forEach((load) => load.stop());
  const results = await Promise.all(loads.map((load) => load.done));

  const served = await Promise.all(sites.map((site) => versionOf(site.endpoint)));
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const failures = results.reduce((sum, r) => sum + r.failures, 0);
  say(`driver exit code ${code}; rollout took ${rolloutSeconds.toFixed(1)} s`);
  say(
    `requests during the rollout: ${requests}, failed: ${failures}, worst p99: ${Math.max(...results.map((r) => r.p99Ms))} ms`,
  );
  if (badRelease) await reportRollback(path.join(demoDir, "journal"), argv.release);
  sites.forEach((site, i) => say(`  ${site.outpost.padEnd(10)} now serves ${served[i]}`));
  const consistent = served.every((version) => version === expected);
  say(consistent ? `every Outpost serves ${expected}` : "version mismatch across the fleet");

  if (!argv.keep) {
    say("destroying the local fleet");
    await Promise.all(stacks.map((stack) => stack.destroy({ onOutput: () => undefined })));
  }
  // A bad release must end rolled back (exit code 1); its canary traffic may see its errors.
  if (badRelease) return code === 1 && consistent ? 0 : 1;
  return code === 0 && failures === 0 && consistent ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
