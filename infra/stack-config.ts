import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./contract";
import { StackLayer } from "./config";

/** Stack-layer keys, as declared in Pulumi.yaml. */
const STRING_KEYS = ["target", "regionGroup", "environment", "certificateArn"] as const;
const OBJECT_KEYS = ["release", "outposts", "deployment", "overrides", "localFaults"] as const;

/**
 * Reads the stack layer from Pulumi config. Secret values are wrapped as Pulumi secrets right
 * away; only their names travel in plain form, so validation can name an unknown one.
 */
export function readStackConfig(): {
  layer: StackLayer;
  secrets: Record<string, pulumi.Output<string>>;
} {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const layer: Record<string, unknown> = {};
  for (const key of STRING_KEYS) {
    const value = config.get(key);
    if (value !== undefined) layer[key] = value;
  }
  for (const key of OBJECT_KEYS) {
    const value = config.getObject<unknown>(key);
    if (value !== undefined) layer[key] = value;
  }
  const region = new pulumi.Config("aws").get("region");
  if (region !== undefined) layer.awsRegion = region;

  const secretValues = config.getSecretObject<Record<string, string>>("secrets");
  const raw = pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:secrets`);
  const names = raw ? Object.keys(JSON.parse(raw) as Record<string, unknown>) : [];
  const secrets = Object.fromEntries(
    names.map((name) => [name, pulumi.secret(secretValues!.apply((values) => values[name]))]),
  );
  return { layer, secrets };
}
