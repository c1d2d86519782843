/**
 * The local target on the real engine: how long `pulumi up` takes to create an N-Outpost local
 * stack, to deploy a new version to every idle color, and to flip every Outpost, and what a
 * steady load on every endpoint sees during the flip. Then destroy, leaving no process.
 *
 * Usage: npm run bench:local-engine -- [--outposts 4]
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import yargs from "yargs";
import { configPathValues } from "../automation/engine/driver-config-keys";
import { pulumiCommand, pulumiEnvironment } from "../automation/engine/pulumi-environment";
import { scratchProject } from "../automation/engine/scratch-project";
import { CONFIG_NAMESPACE, OutpostDeploymentState, OutpostOutputs } from "../infra/contract";
import { LoadResult, runLoad } from "./lib/http-load";
import { syntheticStack } from "./synthetic-fleet";

const STACK = "local-bench";

async function timed<T>(what: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await what();
  return [result, Number(process.hrtime.bigint() - started) / 1e9];
}

async function upOutposts(stack: Stack): Promise<Record<string, OutpostOutputs>> {
  const result = await stack.up({ onOutput: () => undefined });
  return result.outputs.outposts.value as Record<string, OutpostOutputs>;
}

/** Sets every Outpost's deployment state the way the driver does: leaf by leaf, by path. */
async function setDeployment(
  stack: Stack,
  names: string[],
  state: OutpostDeploymentState,
): Promise<void> {
  const values = configPathValues({ deployment: Object.fromEntries(names.map((n) => [n, state])) });
  const config = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value }]));
  await stack.setAllConfig(config, true);
}

async function main(): Promise<void> {
  const argv = await yargs(process.argv.slice(2))
    .option("outposts", { type: "number", default: 4, describe: "Outposts in the local stack" })
    .strict()
    .parseAsync();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-engine-"));
  const layer = syntheticStack(argv.outposts, "local-us");
  const names = (layer.outposts as { name: string }[]).map((o) => o.name);
  const project = scratchProject(path.join(work, "project"), []);
  const config: Record<string, unknown> = { "aws:region": layer.awsRegion };
  for (const [key, value] of Object.entries(layer))
    if (key !== "awsRegion") config[`${CONFIG_NAMESPACE}:${key}`] = value;
  fs.writeFileSync(path.join(project, `Pulumi.${STACK}.yaml`), stringify({ config }));

  const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
  const envVars = { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(work, "run") };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: STACK, workDir: project },
    { pulumiCommand: await pulumiCommand(environment), envVars },
  );
  try {
    const steady = {
      blueVersion: "2.0.0",
      greenVersion: "2.0.0",
      activeColor: "blue",
      candidateWeight: 0,
      idleWarm: false,
      rolloutVersion: "2.0.0",
    } as const;
    await setDeployment(stack, names, steady);
    const [outposts, createSeconds] = await timed(() => upOutposts(stack));
    await setDeployment(stack, names, { ...steady, greenVersion: "2.1.0", idleWarm: true });
    const [, deploySeconds] = await timed(() => upOutposts(stack));

    await setDeployment(stack, names, {
      ...steady,
      greenVersion: "2.1.0",
      idleWarm: true,
      activeColor: "green",
    });
    const flip = timed(() => upOutposts(stack));
    // Load on every endpoint for as long as the flip's `up` runs (bounded at two minutes).
    const loads = Object.values(outposts).map((o) =>
      runLoad({
        port: Number(new URL(o.endpoint).port),
        durationMs: 120_000,
        concurrency: 2,
        until: flip,
      }),
    );
    const [flipped, flipSeconds] = await flip;
    const results: LoadResult[] = await Promise.all(loads);
    const [, destroySeconds] = await timed(() => stack.destroy({ onOutput: () => undefined }));

    const requests = results.reduce((sum, r) => sum + r.total, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    console.log(`local stack with ${argv.outposts} Outposts on the real engine`);
    console.log(`  up (create)                 ${createSeconds.toFixed(1)} s`);
    console.log(`  up (new version on idle)    ${deploySeconds.toFixed(1)} s`);
    console.log(`  up (flip every Outpost)     ${flipSeconds.toFixed(1)} s`);
    console.log(`  destroy                     ${destroySeconds.toFixed(1)} s`);
    console.log(`  load during the flip        ${requests} requests, ${failed} failed`);
    console.log(
      `  active after the flip       ${[...new Set(Object.values(flipped).map((o) => `${o.activeColor} ${o.versions[o.activeColor]}`))].join(", ")}`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
