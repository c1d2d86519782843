import { createHash } from "node:crypto";
import { readStackFile } from "../../automation/fleet/stack-discovery";
import { isStagingStack } from "../../automation/plan/build-plan";
import { STAGING_WAVE } from "../../automation/plan/plan-types";

/** The parts of a Pulumi.<stack>.yaml the demo reshapes. */
export interface StackFileConfig {
  readonly config: Readonly<Record<string, unknown>>;
}

interface OutpostEntry {
  readonly name: string;
  readonly arn: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly [key: string]: unknown;
}

const OUTPOSTS = "outpost-fleet:outposts";
const DEPLOYMENT = "outpost-fleet:deployment";

/** The wave a stack file's Outposts go to: wave 0 for a staging stack, else its region group. */
export function demoWaveOf(file: string): string {
  const stack = readStackFile(file);
  return isStagingStack(stack) ? STAGING_WAVE : stack.regionGroup;
}

/** How many Outposts each of `stacks` stacks gets: `total` spread evenly, the first ones first. */
export function outpostsPerStack(total: number, stacks: number): number[] {
  if (!Number.isInteger(total) || total < stacks) {
    throw new Error(
      `--outposts ${String(total)}: must be a whole number, at least one per stack (${stacks})`,
    );
  }
  return Array.from(
    { length: stacks },
    (_, i) => Math.floor(total / stacks) + (i < total % stacks ? 1 : 0),
  );
}

/** 17 hex digits derived from `seed`: stable, and unique enough for fake AWS ids. */
function hexId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 17);
}

/**
 * The stack file with exactly `count` Outposts: its own first, then more made in their image
 * (`nyc-lab1`, `iad-lab1` -> `nyc-lab2`, `iad-lab2`, ...) with their own fake ARN, subnet and VPC,
 * so the config checks see a real fleet. A new Outpost's deployment state is its model's, so the
 * whole fleet starts alike, as the stack file says.
 */
export function withOutposts(stack: string, file: StackFileConfig, count: number): StackFileConfig {
  const own = (file.config[OUTPOSTS] ?? []) as readonly OutpostEntry[];
  if (own.length === 0) throw new Error(`stack ${stack} declares no Outposts to copy`);
  const outposts: OutpostEntry[] = own.slice(0, count);
  const states = file.config[DEPLOYMENT] as Readonly<Record<string, unknown>> | undefined;
  const deployment: Record<string, unknown> = {};
  for (const outpost of outposts) {
    if (states?.[outpost.name] !== undefined) deployment[outpost.name] = states[outpost.name];
  }
  for (let i = outposts.length; i < count; i++) {
    const model = own[i % own.length];
    const lab = Math.floor(i / own.length) + 1;
    const name = model.name.replace(/\d+$/, "") + String(lab);
    const id = (kind: string) => hexId(`${stack}/${name}/${kind}`);
    outposts.push({
      ...model,
      name,
      arn: model.arn.replace(/op-[0-9a-f]{17}$/, `op-${id("outpost")}`),
      subnetId: `subnet-${id("subnet")}`,
      vpcId: `vpc-${id("vpc")}`,
    });
    if (states?.[model.name] !== undefined) deployment[name] = states[model.name];
  }
  const config: Record<string, unknown> = { ...file.config, [OUTPOSTS]: outposts };
  if (states === undefined) delete config[DEPLOYMENT];
  else config[DEPLOYMENT] = deployment;
  return { ...file, config };
}

/**
 * The stack file with every Outpost's pools at `processes` per color (min = desired = max), for
 * a lighter local fleet: the scale benchmark runs 48 Outposts on one machine.
 */
export function withPoolSize(file: StackFileConfig, processes: number): StackFileConfig {
  if (!Number.isInteger(processes) || processes < 1) {
    throw new Error(
      `--processes-per-color ${String(processes)}: must be a whole number, 1 or more`,
    );
  }
  const outposts = (file.config[OUTPOSTS] ?? []) as readonly OutpostEntry[];
  const sized = outposts.map((outpost) => {
    const capacity = outpost.capacity as { readonly maxInstances: number };
    const maxInstances = Math.max(capacity.maxInstances, 2 * processes);
    return {
      ...outpost,
      capacity: { min: processes, desired: processes, max: processes, maxInstances },
    };
  });
  return { ...file, config: { ...file.config, [OUTPOSTS]: sized } };
}
