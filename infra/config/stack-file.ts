import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE } from "../contract";
import { StackLayer } from "./load";
import {
  ASSUME_ROLES_LAYER_KEY,
  isStackKeyDefault,
  PLACEHOLDER_KEYS,
  REGION_LAYER_KEY,
} from "./stack-keys";
import { sourceRoot } from "./source-root";

/** The repository root (see source-root.ts: the compiled program is told where it is). */
export const PROJECT_ROOT = sourceRoot();

/**
 * Reads the stack layer straight from Pulumi.<stack>.yaml, for tools that must not start the
 * engine (tests, benchmarks, `plan`). Secure values stay opaque: they are not decrypted here.
 */
export function readStackFile(stack: string, projectRoot = PROJECT_ROOT): StackLayer {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  const document = parse(fs.readFileSync(file, "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  return stackLayerFromConfig(document?.config ?? {});
}

/**
 * Turns namespaced config (`outpost-fleet:x`, `aws:region`, `aws:assumeRoles`) into the stack layer. Secret values
 * belong to no layer: the entry point reads them as Pulumi secrets. The engine reports Pulumi.yaml
 * defaults as config too; a placeholder default means the stack does not set the key, as in the
 * program's own reader (infra/stack-config.ts).
 */
export function stackLayerFromConfig(config: Readonly<Record<string, unknown>>): StackLayer {
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "aws:region") layer[REGION_LAYER_KEY] = value;
    else if (key === "aws:assumeRoles") layer[ASSUME_ROLES_LAYER_KEY] = value;
    else if (key.startsWith(`${CONFIG_NAMESPACE}:`) && key !== `${CONFIG_NAMESPACE}:secrets`) {
      const name = key.slice(CONFIG_NAMESPACE.length + 1);
      if (isPlaceholder(name, value)) continue;
      layer[name] = value;
    }
  }
  return layer;
}

/** A placeholder key (PLACEHOLDER_KEYS) holding its Pulumi.yaml default: the stack does not set it. */
export function isPlaceholder(key: string, value: unknown): boolean {
  return (PLACEHOLDER_KEYS as readonly string[]).includes(key) && isStackKeyDefault(key, value);
}
