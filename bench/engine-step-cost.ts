/**
 * What one driver step costs in the engine: a no-op targeted `up` of one Outpost (nothing
 * changes) on a local stack of 4 and of 16 Outposts, through the driver's own adapter
 * (AutomationApiEngine.up: the state read for pending operations and targets, then `pulumi
 * up`), split by the program's own timestamps (infra/program-timings.ts):
 *
 *   start        the call until the program's node process started (state read, CLI, engine, plugins)
 *   load         node start until the program's modules were loaded (SDK, infra/; ts-node with --program source)
 *   evaluate     modules loaded until the program's process exited (every registration sent)
 *   finish       the rest: the engine's last steps, the CLI writing the state and exiting
 *
 * It also times, apart, the adapter's state read (as before every `up`: pending operations)
 * and the outputs read the gates make after a step. Medians over --runs.
 *
 * Usage: npm run bench:engine-step -- [--runs 5] [--sizes 4,16] [--program compiled|source]
 * Needs `npm run toolchain` and HAProxy. Destroys what it made.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import pino from "pino";
import { Writable } from "node:stream";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import yargs from "yargs";
import { AutomationApiEngine } from "../automation/engine/automation-api-engine";
import type { ProgramMode } from "../automation/engine/engine-program";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
import { systemClock } from "../automation/support/clock";
import { scratchProject } from "../automation/engine/scratch-project";
import { type StackFileConfig, withOutposts } from "../scripts/demo/fleet-shape";
import { percentile } from "./lib/switch-gap";

const STACK = "local-us";

interface ProgramTimings {
  readonly processStartedAt: number;
  readonly loadedAt: number;
  readonly exitedAt: number;
}

interface StepCost {
  readonly totalMs: number;
  readonly startMs: number;
  readonly loadMs: number;
  readonly evaluateMs: number;
  readonly finishMs: number;
  readonly stateMs: number;
  readonly outputsMs: number;
}

async function measure(outposts: number, runs: number, program: ProgramMode): Promise<StepCost[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `outpost-fleet-bench-step-${outposts}-`));
  const project = scratchProject(path.join(work, "project"), [STACK]);
  const file = path.join(project, `Pulumi.${STACK}.yaml`);
  const shaped = withOutposts(
    STACK,
    parse(fs.readFileSync(file, "utf8")) as StackFileConfig,
    outposts,
  );
  fs.writeFileSync(file, stringify(shaped));
  const timingsFile = path.join(work, "program-timings.jsonl");
  const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
  const envVars = {
    ...environment.env,
    OUTPOST_FLEET_RUN_DIR: path.join(work, "run"),
    OUTPOST_FLEET_PROGRAM_TIMINGS: timingsFile,
    // As the driver runs the engine (automation/cli/engine-options.ts).
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  let cliOutput = "";
  const log = pino(
    { level: "debug" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        cliOutput += chunk.toString();
        done();
      },
    }),
  );
  const command = await pulumiCommand(environment);
  const engine = new AutomationApiEngine({
    workDir: project,
    environment: { ...environment, env: envVars },
    command,
    clock: systemClock,
    log,
    program,
  });
  try {
    await engine.prepareStack(STACK);
    await engine.up(STACK);
    const costs: StepCost[] = [];
    for (let run = 0; run < runs; run++) {
      const stateStarted = Date.now();
      await engine.pendingOperations(STACK);
      const stateMs = Date.now() - stateStarted;
      const [first] = withOutposts(STACK, shaped, 1).config["outpost-fleet:outposts"] as {
        name: string;
      }[];
      fs.rmSync(timingsFile, { force: true });
      cliOutput = "";
      const started = Date.now();
      await engine.up(STACK, { outposts: [first.name] });
      const ended = Date.now();
      const changed =
        /\b\d+ (?:to )?(?:create|created|update|updated|delete|deleted|replace|replaced)\b/.exec(
          cliOutput,
        );
      if (changed) throw new Error(`the no-op up changed something: ${changed[0]}`);
      const outputsStarted = Date.now();
      await engine.outputs(STACK);
      const outputsMs = Date.now() - outputsStarted;
      const timings = fs
        .readFileSync(timingsFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as ProgramTimings)[0];
      if (timings === undefined) throw new Error("the program wrote no timings");
      costs.push({
        totalMs: ended - started,
        startMs: Math.round(timings.processStartedAt - started),
        loadMs: Math.round(timings.loadedAt - timings.processStartedAt),
        evaluateMs: timings.exitedAt - timings.loadedAt,
        finishMs: ended - timings.exitedAt,
        stateMs,
        outputsMs,
      });
    }
    return costs;
  } finally {
    const stack = await LocalWorkspace.selectStack(
      { stackName: STACK, workDir: project },
      { pulumiCommand: command, envVars },
    );
    await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("runs", { type: "number", default: 5, describe: "no-op ups per size" })
    .option("sizes", { type: "string", default: "4,16", describe: "Outposts per stack" })
    .option("program", {
      choices: ["compiled", "source"] as const,
      default: "compiled" as const,
      describe: "the engine's program: the cached build, or the TypeScript source (ts-node)",
    })
    .strict()
    .parseSync();
  const median = (costs: StepCost[], key: keyof StepCost) =>
    percentile(
      costs.map((c) => c[key]),
      50,
    );
  console.log(
    `no-op targeted up of one Outpost through the adapter, ${args.program} program (median of ${args.runs}), ms:`,
  );
  console.log("  Outposts   total   start    load  evaluate  finish   (state read; outputs after)");
  for (const size of args.sizes.split(",").map(Number)) {
    const costs = await measure(size, args.runs, args.program);
    const cells = (["totalMs", "startMs", "loadMs", "evaluateMs", "finishMs"] as const).map((key) =>
      String(median(costs, key)).padStart(7),
    );
    console.log(
      `  ${String(size).padStart(8)} ${cells.join(" ")}   (${median(costs, "stateMs")}; ${median(costs, "outputsMs")})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
