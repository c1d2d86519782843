/**
 * What one driver step costs in the engine: a no-op targeted `up` of one Outpost (nothing
 * changes) on a local stack of 4 and of 16 Outposts, through the Automation API as the driver
 * runs it, split by the program's own timestamps (infra/program-timings.ts):
 *
 *   start        the call until the program's node process started (CLI, engine, plugins)
 *   load         node start until the program's modules were loaded (ts-node, SDK, infra/)
 *   evaluate     modules loaded until the program's process exited (every registration sent)
 *   finish       the rest: the engine's last steps, the CLI writing the state and exiting
 *
 * It also times the state export the driver's adapter runs before every `up` (pending
 * operations, targets). Medians over --runs.
 *
 * Usage: npm run bench:engine-step -- [--runs 5] [--sizes 4,16]
 * Needs `npm run toolchain` and HAProxy. Destroys what it made.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import yargs from "yargs";
import { outpostTargets, type StateResource } from "../automation/engine/outpost-targets";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
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
  readonly exportMs: number;
}

async function measure(outposts: number, runs: number): Promise<StepCost[]> {
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
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: STACK, workDir: project },
    { pulumiCommand: await pulumiCommand(environment), envVars },
  );
  try {
    await stack.up({ onOutput: () => undefined });
    const costs: StepCost[] = [];
    for (let run = 0; run < runs; run++) {
      const exportStarted = Date.now();
      const state = await stack.exportStack();
      const exportMs = Date.now() - exportStarted;
      const resources = (state.deployment as { resources: StateResource[] }).resources;
      const [first] = withOutposts(STACK, shaped, 1).config["outpost-fleet:outposts"] as {
        name: string;
      }[];
      const targets = outpostTargets(resources, [first.name]);
      fs.rmSync(timingsFile, { force: true });
      const started = Date.now();
      const result = await stack.up({ target: targets, onOutput: () => undefined });
      const ended = Date.now();
      const changes = result.summary.resourceChanges ?? {};
      if (Object.keys(changes).some((op) => op !== "same")) {
        throw new Error(`the no-op up changed something: ${JSON.stringify(changes)}`);
      }
      const program = fs
        .readFileSync(timingsFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as ProgramTimings)[0];
      costs.push({
        totalMs: ended - started,
        startMs: Math.round(program.processStartedAt - started),
        loadMs: Math.round(program.loadedAt - program.processStartedAt),
        evaluateMs: program.exitedAt - program.loadedAt,
        finishMs: ended - program.exitedAt,
        exportMs,
      });
    }
    return costs;
  } finally {
    await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = yargs(process.argv.slice(2))
    .option("runs", { type: "number", default: 5, describe: "no-op ups per size" })
    .option("sizes", { type: "string", default: "4,16", describe: "Outposts per stack" })
    .strict()
    .parseSync();
  const median = (costs: StepCost[], key: keyof StepCost) =>
    percentile(
      costs.map((c) => c[key]),
      50,
    );
  console.log(`no-op targeted up of one Outpost (median of ${args.runs}), ms:`);
  console.log("  Outposts   total   start    load  evaluate  finish   (export before the up)");
  for (const size of args.sizes.split(",").map(Number)) {
    const costs = await measure(size, args.runs);
    const cells = (["totalMs", "startMs", "loadMs", "evaluateMs", "finishMs"] as const).map((key) =>
      String(median(costs, key)).padStart(7),
    );
    console.log(
      `  ${String(size).padStart(8)} ${cells.join(" ")}   (${median(costs, "exportMs")})`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
