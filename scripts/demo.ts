/**
 * The main job on the local target: a whole fleet upgrade, watched from outside.
 *
 *   1. brings every local stack up on the current release (real processes behind HAProxy),
 *      with the example fleet's shape: 3 region stacks, 12 Outposts (`--outposts N`), and the
 *      staging stack (2 Outposts), wave 0 of the release;
 *   2. starts steady HTTP load on every Outpost's production endpoint, recording which version
 *      answered each request and when;
 *   3. runs the driver (`outpost-fleet deploy --ui`) for the new release: wave 0 (staging, with
 *      the test gates after the flip), then the production waves, with the
 *      live release view in the browser (the driver prints its URL); on a terminal, one live
 *      line per wave (the driver's log goes to a file), else the driver's log;
 *   4. stops the load, checks which version every Outpost serves, and prints the figures the use
 *      case promises: deploy time, failed requests, the switchover gap as the load saw it,
 *      rollback time, engine against driver time, version consistency (`--summary FILE` as JSON);
 *   5. destroys the stacks (unless --keep), leaving no process behind.
 *
 * Everything lives in .pulumi-local/demo/: a scratch project whose stack files the driver may
 * rewrite (the committed ones stay untouched), the state backend, the journal and the driver
 * settings (short bakes, so the demo takes minutes, not the production half hour).
 *
 * Usage: npm run demo -- [--release 2.1.0] [--outposts 12] [--summary s.json] [--keep]
 *                       [--pipeline-waves off]  (every step after the one before, to compare)
 *        npm run demo -- --bad-release 0.3   (the release fails 30% of requests: watch the
 *                                             first wave's canary fail its gates and roll back)
 *        npm run demo -- --bad-release 0.3 --bad-paths /
 *                                            (it fails only the storefront route the load asks
 *                                             for: it passes the preview path, and its own
 *                                             production traffic catches it at the first shift)
 *        npm run demo -- --fail-in eu        (bad in one region group only: wave us succeeds,
 *                                             wave eu rolls back by policy, apac never starts)
 *        npm run demo -- --broken-catalogue  (healthy but wrong: the release answers 200 with an
 *                                             empty catalogue; staging's integration gate catches
 *                                             it and no production stack is touched)
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import yargs from "yargs";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
import { scratchProject } from "../automation/engine/scratch-project";
import { removeStaleBackendLocks } from "../automation/engine/stale-backend-locks";
import type { EngineTimings } from "../automation/engine/timed-engine";
import type { JournalEvent } from "../automation/journal/journal-events";
import { JournalFile } from "../automation/journal/journal-file";
import { runDriverProcess } from "../bench/lib/driver-process";
import { runLoad } from "../bench/lib/http-load";
import type { OutpostOutputs } from "../infra/contract";
import { type DemoSummary, formatSummary, type OutpostLoad, summarize } from "./demo/demo-summary";
import {
  demoWaveOf,
  outpostsPerStack,
  type StackFileConfig,
  withOutposts,
  withPoolSize,
} from "./demo/fleet-shape";
import { STAGING_WAVE } from "../automation/plan/plan-types";
import { consistencyText, judgeConsistency } from "../automation/operations/fleet-consistency";
import { replay } from "../automation/progress/release-progress";
import { showWaveProgress } from "./demo/wave-progress";

const ROOT = path.resolve(__dirname, "..");

/** The route `--broken-catalogue` breaks: it answers 200 with no products. */
const BROKEN_CATALOGUE_PATH = "/api/products";

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

function say(message: string): void {
  console.log(`demo: ${message}`);
}

/** A site with the stack it belongs to: "<stack>/<outpost>" is the journal's stage id. */
interface Site extends OutpostOutputs {
  readonly stack: string;
}

async function bringUp(stack: Stack): Promise<Site[]> {
  const result = await stack.up({ onOutput: () => undefined });
  const outposts = result.outputs.outposts.value as Record<string, OutpostOutputs>;
  return Object.values(outposts).map((site) => ({ ...site, stack: stack.name }));
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

/** Where the gates caught the bad release, from the journal. */
function reportFailure(events: readonly JournalEvent[]): void {
  const failed = events.find((e) => e.type === "stage-failed");
  if (failed?.type !== "stage-failed") return say("no gate failed");
  say(`caught at ${failed.step} on ${failed.stage}: ${failed.reason}`);
}

/**
 * The version each Outpost should serve at the end: the release where its wave completed and
 * was not rolled back, the old version everywhere else.
 */
function expectedVersions(
  events: readonly JournalEvent[],
  sites: readonly Site[],
  release: string,
  previous: string,
): Record<string, string> {
  const completed = new Set(events.flatMap((e) => (e.type === "wave-completed" ? [e.wave] : [])));
  const rolledBack = new Set(
    events.flatMap((e) => (e.type === "rollback-started" ? e.stages : [])),
  );
  const started = events.find((e) => e.type === "release-started");
  const waveOf = new Map<string, string>();
  if (started?.type === "release-started") {
    for (const wave of started.plan.waves) for (const s of wave.stages) waveOf.set(s.id, wave.name);
  }
  return Object.fromEntries(
    sites.map((site) => {
      const stage = `${site.stack}/${site.outpost}`;
      const moved = completed.has(waveOf.get(stage) ?? "") && !rolledBack.has(stage);
      return [site.outpost, moved ? release : previous];
    }),
  );
}

async function versionOf(endpoint: string): Promise<string> {
  const response = await fetch(`${endpoint}/version`);
  return ((await response.json()) as { version: string }).version;
}

/**
 * The demo's stack copies, reshaped to `total` Outposts spread over the stacks, with
 * `processes` per color when given.
 */
function shapeFleet(
  projectDir: string,
  names: readonly string[],
  total: number,
  processes: number | undefined,
): void {
  const counts = outpostsPerStack(total, names.length);
  names.forEach((name, i) => {
    const file = path.join(projectDir, `Pulumi.${name}.yaml`);
    const shaped = withOutposts(
      name,
      parse(fs.readFileSync(file, "utf8")) as StackFileConfig,
      counts[i],
    );
    fs.writeFileSync(file, stringify(processes ? withPoolSize(shaped, processes) : shaped));
  });
}

async function main(): Promise<number> {
  const argv = await yargs(process.argv.slice(2))
    .option("release", { type: "string", default: "2.1.0", describe: "Version to roll out" })
    .option("stacks", {
      type: "string",
      default: "local-staging,local-us,local-eu,local-apac",
      describe: "Local stacks, comma separated (staging ones form wave 0)",
    })
    .option("outposts", {
      type: "number",
      default: 12,
      describe:
        "Production Outposts in all, spread evenly over the production stacks (staging keeps its own)",
    })
    .option("rate", {
      type: "number",
      default: 100,
      describe:
        "Requests a second on each Outpost (at 100, a 10% candidate soon reaches the gates' minimum sample)",
    })
    .option("processes-per-color", {
      type: "number",
      describe: "App processes in each color's pool (default: the stack files' capacity)",
    })
    .option("summary", {
      type: "string",
      describe: "Write the figures as JSON to this file",
    })
    .option("keep", {
      type: "boolean",
      default: false,
      describe: "Leave the fleet running afterwards",
    })
    .option("bad-release", {
      type: "number",
      describe:
        "Share of requests (0-1) the new release fails: shows the gates stopping the line and rolling back",
    })
    .option("bad-paths", {
      type: "string",
      describe:
        "With --bad-release: the only paths that fail, comma separated (e.g. / : healthy on the probes, broken for shoppers)",
    })
    .option("fail-in", {
      type: "string",
      describe:
        "Make the release bad in this wave only: a region group (e.g. eu) or staging (--bad-release sets the share, default 0.3)",
    })
    .option("broken-catalogue", {
      type: "boolean",
      default: false,
      describe:
        "The release answers 200 with an empty catalogue on /api/products: healthy but wrong, for staging's integration gate",
    })
    .option("traffic-steps", {
      type: "string",
      describe: "Candidate weights, passed to the driver (e.g. 100 for a single flip)",
    })
    .option("pipeline-waves", {
      type: "string",
      describe: "on|off, passed to the driver: off runs every step after the one before",
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
  const broken = argv["broken-catalogue"];
  const badRate = argv["bad-release"] ?? (argv["fail-in"] && !broken ? 0.3 : 0);
  if (!(badRate >= 0 && badRate <= 1)) {
    throw new Error(`--bad-release ${String(argv["bad-release"])}: must be from 0 to 1`);
  }
  if (!(argv.rate > 0)) throw new Error(`--rate ${String(argv.rate)}: must be more than 0`);
  const processes = argv["processes-per-color"];
  if (processes !== undefined && !(Number.isInteger(processes) && processes >= 1)) {
    throw new Error(`--processes-per-color ${processes}: must be a whole number, 1 or more`);
  }
  // Every bad input is refused here, before anything is made or destroyed.
  for (const name of names) {
    if (!fs.existsSync(path.join(ROOT, `Pulumi.${name}.yaml`))) {
      throw new Error(
        `--stacks ${name}: there is no Pulumi.${name}.yaml; the local stacks are local-staging, local-us, local-eu, local-apac`,
      );
    }
  }
  const waveOf = (stack: string) => demoWaveOf(path.join(ROOT, `Pulumi.${stack}.yaml`));
  const production = names.filter((name) => waveOf(name) !== STAGING_WAVE);
  if (production.length === 0) throw new Error(`--stacks: name at least one production stack`);
  // Refuses a bad --outposts before anything is made or destroyed.
  outpostsPerStack(argv.outposts, production.length);
  const failIn = argv["fail-in"];
  if (failIn !== undefined && !names.some((name) => waveOf(name) === failIn)) {
    const waves = [...new Set(names.map(waveOf))].join(", ");
    throw new Error(`--fail-in ${failIn}: no stack of that wave; the demo has ${waves}`);
  }
  await cleanUp(demoDir, names);
  const projectDir = scratchProject(path.join(demoDir, "project"), names);
  shapeFleet(projectDir, production, argv.outposts, processes);
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

  say(`bringing up ${names.join(", ")} in ${demoDir}`);
  const started = Date.now();
  const sites = (await Promise.all(stacks.map(bringUp))).flat();
  say(`${sites.length} Outposts up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const site of sites)
    say(
      `  ${site.outpost.padEnd(10)} ${site.endpoint}  ${site.activeColor} ${site.versions[site.activeColor]}`,
    );

  const previous = sites[0].versions[sites[0].activeColor];
  const badRelease = badRate > 0 || broken;
  if (badRelease) {
    // Faults follow the version (stack config localFaults, infra/local/local-faults.ts): every
    // process of the release fails. Set as an object (not --path, which would store the rate
    // as a string), on the scratch stacks only.
    const paths = argv["bad-paths"]?.split(",").map((p) => p.trim());
    const faults = {
      [argv.release]: {
        errorRate: badRate,
        ...(paths ? { paths } : {}),
        ...(broken ? { brokenPaths: [BROKEN_CATALOGUE_PATH] } : {}),
      },
    };
    const setting = {
      "outpost-fleet:localFaults": {
        value: JSON.stringify(faults),
        objectValue: faults,
        secret: false,
      },
    };
    for (const stack of stacks) {
      if (failIn === undefined || waveOf(stack.name) === failIn) {
        await stack.setAllConfigJson(JSON.stringify(setting));
      }
    }
    const where = paths ? ` to ${paths.join(", ")}` : "";
    const only = failIn ? ` in wave ${failIn} only` : "";
    const failing = badRate > 0 ? `it fails ${badRate * 100}% of requests${where}` : "";
    const wrong = broken ? `it answers ${BROKEN_CATALOGUE_PATH} with an empty catalogue` : "";
    say(`${argv.release} is a bad release${only}: ${[failing, wrong].filter(Boolean).join("; ")}`);
  }

  const journalDir = path.join(demoDir, "journal");
  const journal = new JournalFile(path.join(journalDir, "releases", `${argv.release}.jsonl`));
  const timingsFile = path.join(demoDir, "timings.json");
  const onTerminal = process.stdout.isTTY === true;
  const driverLog = onTerminal ? path.join(demoDir, "driver.log") : undefined;
  say(`steady load on every endpoint; rolling out ${argv.release}`);
  if (driverLog) say(`the driver's log: ${driverLog}`);
  const rolloutStarted = Date.now();
  const driver = runDriverProcess(
    [
      "deploy",
      ...["--release", argv.release, "--stacks", argv.stacks],
      ...["--project-dir", projectDir, "--state-dir", stateDir],
      ...["--journal-dir", journalDir, "--settings", settingsFile],
      ...["--timings", timingsFile],
      ...(argv["traffic-steps"] ? ["--traffic-steps", argv["traffic-steps"]] : []),
      ...(argv["pipeline-waves"] ? ["--pipeline-waves", argv["pipeline-waves"]] : []),
      // The live view: the driver prints its URL and serves it until the rollout ends.
      ...["--ui", "--port", String(argv["ui-port"])],
    ],
    envVars,
    driverLog,
  );
  const deployMsOf = driver.then(() => Date.now() - rolloutStarted);
  const loads = sites.map((site) =>
    runLoad({
      port: Number(new URL(site.endpoint).port),
      path: "/",
      durationMs: 1_800_000,
      concurrency: 4,
      ratePerSecond: argv.rate,
      until: driver,
    }).then((load): OutpostLoad => ({ stage: `${site.stack}/${site.outpost}`, load })),
  );
  if (onTerminal) {
    if (argv["ui-port"] !== 0) say(`live release view: http://127.0.0.1:${argv["ui-port"]}/`);
    await showWaveProgress(async () => (await journal.read()).events, driver);
  }
  const code = await driver;
  const deployMs = await deployMsOf;
  const loaded = await Promise.all(loads);
  const { events } = await journal.read();

  const served = await Promise.all(sites.map((site) => versionOf(site.endpoint)));
  const versions = Object.fromEntries(sites.map((site, i) => [site.outpost, served[i]]));
  const timings = fs.existsSync(timingsFile)
    ? (JSON.parse(fs.readFileSync(timingsFile, "utf8")) as EngineTimings)
    : undefined;
  const summary: DemoSummary = summarize({
    release: argv.release,
    loads: loaded,
    events,
    deployMs,
    timings,
    versions,
    stableVersion: badRelease ? previous : undefined,
  });
  say(`driver exit code ${code}`);
  if (badRelease) reportFailure(events);
  console.log(formatSummary(summary));
  if (argv.summary) {
    fs.writeFileSync(argv.summary, `${JSON.stringify(summary, null, 2)}\n`);
    say(`summary written to ${argv.summary}`);
  }
  const expected = expectedVersions(events, sites, argv.release, previous);
  const wrong = sites.filter((site) => versions[site.outpost] !== expected[site.outpost]);
  for (const site of wrong)
    say(`  ${site.outpost} serves ${versions[site.outpost]}, expected ${expected[site.outpost]}`);
  say(wrong.length === 0 ? "every Outpost serves the version it should" : "version mismatch");
  // What `status` and `drift` say of the fleet the demo left (two versions after --fail-in).
  const finished = replay(events)?.finished;
  say(
    consistencyText(
      judgeConsistency(
        Object.fromEntries(sites.map((site, i) => [`${site.stack}/${site.outpost}`, [served[i]]])),
        { release: argv.release, state: "finished", outcome: finished?.outcome ?? null },
      ),
    ),
  );

  if (!argv.keep) {
    say("destroying the local fleet");
    await Promise.all(stacks.map((stack) => stack.destroy({ onOutput: () => undefined })));
  }
  // A bad release must end rolled back (exit code 1); its canary traffic may see its errors.
  if (badRelease) return code === 1 && wrong.length === 0 ? 0 : 1;
  return code === 0 && summary.failedRequests === 0 && wrong.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
