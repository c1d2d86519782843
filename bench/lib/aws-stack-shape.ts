import { createHash } from "node:crypto";
import type { StackFileConfig } from "../../scripts/demo/fleet-shape";

interface OutpostEntry {
  readonly name: string;
  readonly arn: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly customerOwnedIpv4Pool?: string;
  readonly [key: string]: unknown;
}

const OUTPOSTS = "outpost-fleet:outposts";
const DEPLOYMENT = "outpost-fleet:deployment";

/** 17 hex digits from `seed`: the length of AWS's resource ids, stable across runs. */
function hexId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 17);
}

/**
 * An AWS stack file with exactly `count` Outposts: its own first, then copies of them in turn
 * (`nyc-dc1` -> `nyc-dc1-2`, `nyc-dc1-3`, ...), each with its own Outpost ARN, subnet, VPC and
 * customer-owned IP pool (the config checks want each unique: wiring-check.ts) and its
 * model's instance types, capacity and deployment state, so a scaled fleet has the shipped
 * stack's shape.
 */
export function withAwsOutposts(
  stack: string,
  file: StackFileConfig,
  count: number,
): StackFileConfig {
  const own = (file.config[OUTPOSTS] ?? []) as readonly OutpostEntry[];
  if (own.length === 0) throw new Error(`stack ${stack} declares no Outposts to copy`);
  const states = (file.config[DEPLOYMENT] ?? {}) as Readonly<Record<string, unknown>>;
  const outposts: OutpostEntry[] = own.slice(0, count);
  const deployment: Record<string, unknown> = {};
  for (const outpost of outposts) deployment[outpost.name] = states[outpost.name];
  for (let i = outposts.length; i < count; i++) {
    const model = own[i % own.length];
    const name = `${model.name}-${Math.floor(i / own.length) + 1}`;
    const id = (kind: string) => hexId(`${stack}/${name}/${kind}`);
    outposts.push({
      ...model,
      name,
      arn: model.arn.replace(/op-[0-9a-f]{17}$/, `op-${id("outpost")}`),
      subnetId: `subnet-${id("subnet")}`,
      vpcId: `vpc-${id("vpc")}`,
      ...(model.customerOwnedIpv4Pool
        ? { customerOwnedIpv4Pool: `ipv4pool-coip-${id("coip")}` }
        : {}),
    });
    deployment[name] = states[model.name];
  }
  return { ...file, config: { ...file.config, [OUTPOSTS]: outposts, [DEPLOYMENT]: deployment } };
}
