import { readStackFile, StackLayer } from "../infra/config";

/**
 * A stack layer like Pulumi.us.yaml but with `count` Outposts, for benchmarks that need more
 * Outposts than the example fleet has. Ids are derived from the index, so runs are repeatable.
 */
export function syntheticStack(count: number, base = "us"): StackLayer {
  const layer = readStackFile(base);
  const [template] = layer.outposts as Record<string, unknown>[];
  const hex = (n: number) => n.toString(16).padStart(17, "0");
  const outposts = Array.from({ length: count }, (_, i) => ({
    ...template,
    name: `site-${String(i).padStart(3, "0")}`,
    arn: `arn:aws:outposts:us-east-1:111122223333:outpost/op-${hex(i + 1)}`,
    subnetId: `subnet-${hex(i + 1)}`,
    vpcId: `vpc-${hex(i + 1)}`,
    customerOwnedIpv4Pool: `ipv4pool-coip-${hex(i + 1)}`,
  }));
  return { ...layer, outposts, deployment: {} };
}
