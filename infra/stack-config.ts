import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./contract";
import {
  ASSUME_ROLES_LAYER_KEY,
  isPlaceholder,
  isStackKey,
  SECRET_VALUE,
  SecretInventory,
  SECRETS_KEY,
  REGION_LAYER_KEY,
  STACK_KEYS,
  StackLayer,
} from "./config";

/** What the entry point hands the program: the stack layer and the secrets, kept apart. */
export interface StackConfig {
  readonly layer: StackLayer;
  /** Secret values by name, already Pulumi secrets. */
  readonly secrets: Record<string, pulumi.Output<string>>;
  /** Whether Pulumi holds the secrets as secure values (`--secret`) or in plain text. */
  readonly inventory: SecretInventory;
}

/**
 * Whether Pulumi holds a config key as a secret. The SDK keeps this in its runtime config
 * (`isConfigSecret`, exported but not in its typings, @pulumi/pulumi 3.248); the engine
 * marks a whole top-level key secret when any value in it is `secure:`.
 */
function isSecretKey(fullKey: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret(key: string): boolean;
  };
  return runtimeConfig.isConfigSecret(fullKey);
}

/** The engine hands every value as a string; objects, arrays and booleans as JSON. */
function parseValue(key: string, raw: string): unknown {
  if (isStackKey(key) && STACK_KEYS[key] === "string") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Reads the stack layer from Pulumi config: every key of the `outpost-fleet:` namespace, so
 * that validation can refuse the ones nobody declared (Pulumi accepts them without a word).
 * Secret values are wrapped as Pulumi secrets right away; a secure value anywhere else is
 * replaced by a mark, so no error message can show it.
 */
export function readStackConfig(): StackConfig {
  const all = pulumi.runtime.allConfig();
  const prefix = `${CONFIG_NAMESPACE}:`;
  const layer: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (key === SECRETS_KEY) continue;
    const value = isSecretKey(fullKey) ? SECRET_VALUE : parseValue(key, raw);
    // A placeholder default (Pulumi.yaml) means the stack does not set the key.
    if (isPlaceholder(key, value)) continue;
    layer[key] = value;
  }
  const aws = new pulumi.Config("aws");
  const region = aws.get("region");
  if (region !== undefined) layer[REGION_LAYER_KEY] = region;
  // The roles the provider assumes: the last one creates the clusters, and their kubeconfig
  // must sign in as it. A secret value stays a mark, as anywhere else in the layer.
  if (all["aws:assumeRoles"] !== undefined) {
    layer[ASSUME_ROLES_LAYER_KEY] = isSecretKey("aws:assumeRoles")
      ? SECRET_VALUE
      : aws.getObject<unknown>("assumeRoles");
  }

  const secretsKey = `${prefix}${SECRETS_KEY}`;
  const raw = all[secretsKey];
  const names = raw ? Object.keys(parseValue(SECRETS_KEY, raw) as Record<string, unknown>) : [];
  const kind = isSecretKey(secretsKey) ? "secure" : "plaintext";
  const values = new pulumi.Config(CONFIG_NAMESPACE).getSecretObject<Record<string, string>>(
    SECRETS_KEY,
  );
  const secrets = Object.fromEntries(
    names.map((name) => [name, pulumi.secret(values!.apply((v) => v[name]))]),
  );
  const inventory = Object.fromEntries(names.map((name) => [name, kind] as const));
  return { layer, secrets, inventory };
}
