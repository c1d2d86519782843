import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { deploymentStateSchema, fleetConfigSchema, outpostSchema } from "../../infra/config/schema";
import { stackLayerFromConfig } from "../../infra/config/stack-file";
import { completeDeploymentState, CONFIG_NAMESPACE } from "../../infra/contract";
import { UserError } from "../support/user-error";
import type { FleetStack } from "./fleet-stack";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/**
 * The keys the driver reads, checked with the program's own schemas (infra/config), so the
 * plan, the baselines and the program never disagree about what a valid value is; the program
 * validates the rest. Objects may also arrive as JSON strings (that is how `pulumi config
 * set` stores an object without --path).
 */
const driverKeysSchema = z.object({
  regionGroup: fleetConfigSchema.shape.regionGroup.optional(),
  target: fleetConfigSchema.shape.target.optional(),
  environment: fleetConfigSchema.shape.environment.optional(),
  awsRegion: fleetConfigSchema.shape.awsRegion.optional(),
  release: z.preprocess(fromJsonString, fleetConfigSchema.shape.release.optional()),
  outposts: z.preprocess(
    fromJsonString,
    z
      .array(z.object({ name: outpostSchema.shape.name }).passthrough())
      .min(1, "must list at least one Outpost"),
  ),
  deployment: z.preprocess(fromJsonString, z.record(z.string(), deploymentStateSchema).optional()),
});

const stackFileSchema = z.object({ config: z.record(z.string(), z.unknown()) });

function fromJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function stackNameOf(file: string): string | undefined {
  return STACK_FILE.exec(path.basename(file))?.[1];
}

/** Reads one Pulumi.<stack>.yaml. Invalid files are user errors naming the key. */
export function readStackFile(file: string): FleetStack {
  const name = stackNameOf(file);
  if (name === undefined) throw new UserError(`${file}: not a Pulumi.<stack>.yaml file`);
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${file}: cannot read YAML (${(err as Error).message})`);
  }
  const shape = stackFileSchema.safeParse(raw);
  if (!shape.success) {
    throw new UserError(`${file}: must be a YAML mapping with a \`config\` mapping`);
  }
  const parsed = driverKeysSchema.safeParse(stackLayerFromConfig(shape.data.config));
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  - ${CONFIG_NAMESPACE}:${issue.path.join(".")}: ${issue.message}`,
    );
    throw new UserError(`${file}: the driver cannot use this stack file:\n${lines.join("\n")}`);
  }
  const config = parsed.data;
  return {
    name,
    file,
    regionGroup: config.regionGroup ?? name,
    target: config.target ?? "aws",
    environment: config.environment,
    awsRegion: config.awsRegion,
    release: config.release?.version,
    outposts: config.outposts.map((outpost) => outpost.name),
    deployment: Object.fromEntries(
      Object.entries(config.deployment ?? {}).map(([outpost, state]) => [
        outpost,
        completeDeploymentState(state),
      ]),
    ),
  };
}

/**
 * Whether a stack file is the control plane's (`outpost-fleet:target: control`, infra/control):
 * the central pipeline, deployed by hand, never a wave of a release.
 */
export function isControlStackFile(file: string): boolean {
  try {
    const raw = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return raw?.config?.[`${CONFIG_NAMESPACE}:target`] === "control";
  } catch {
    return false;
  }
}

/**
 * Every fleet stack of the project: the Pulumi.<stack>.yaml files in its root, sorted by name,
 * without the control plane's.
 */
export function discoverStacks(projectDir: string): FleetStack[] {
  return fs
    .readdirSync(projectDir)
    .filter((file) => STACK_FILE.test(file))
    .sort()
    .map((file) => path.join(projectDir, file))
    .filter((file) => !isControlStackFile(file))
    .map((file) => readStackFile(file));
}
