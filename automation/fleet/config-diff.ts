import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { DEFAULT_LAYERS_DIR, type Layer, mergeLayers, readLayer } from "../../infra/config/layers";
import { stackLayerFromConfig } from "../../infra/config/stack-file";

/** Global, region, environment and stack layers merged, as the program merges them. */
export function mergedStackConfig(
  projectDir: string,
  stack: string,
): { merged: Layer; global: Layer } {
  // A scratch project (copies of the stack files) has no layers of its own: use the program's.
  const own = path.join(projectDir, "config", "layers");
  const layersDir = fs.existsSync(own) ? own : DEFAULT_LAYERS_DIR;
  const document = parse(
    fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8"),
  ) as {
    config?: Record<string, unknown>;
  } | null;
  const { overrides, ...stackLayer } = stackLayerFromConfig(document?.config ?? {});
  const layer = (kind: string, name: unknown) =>
    typeof name === "string" ? (readLayer(path.join(layersDir, kind, `${name}.yaml`)) ?? {}) : {};
  const global = readLayer(path.join(layersDir, "global.yaml")) ?? {};
  const isLayer = (v: unknown): v is Layer =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  return {
    merged: mergeLayers(
      global,
      layer("region", stackLayer.regionGroup),
      layer("environment", stackLayer.environment),
      stackLayer,
      isLayer(overrides) ? overrides : {},
    ),
    global,
  };
}

/** {a: {b: 1}, c: [1]} -> {"a.b": 1, "c": [1]}: arrays stay whole, as the merge replaces them. */
export function flatten(value: unknown, prefix = ""): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return prefix ? { [prefix]: value } : {};
  const flat: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    Object.assign(flat, flatten(child, prefix ? `${prefix}.${key}` : key));
  return flat;
}

export interface ConfigDifference {
  readonly key: string;
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * Expected: a key that is meant to differ by region (not in the global layer). Unexpected:
   * a global key overridden somewhere, or different releases: that is drift.
   */
  readonly expected: boolean;
}

/** Per-Outpost keys: each stack lists its own Outposts, so they always differ. */
const PER_STACK_KEYS = ["outposts", "deployment"];

/** Keys whose merged values differ between stacks (Outpost lists aside). Pure. */
export function configDifferences(
  configs: Readonly<Record<string, Layer>>,
  global: Layer,
): ConfigDifference[] {
  const flat = Object.fromEntries(
    Object.entries(configs).map(([stack, config]) => [
      stack,
      Object.fromEntries(
        Object.entries(flatten(config)).filter(
          ([key]) => !PER_STACK_KEYS.some((k) => key === k || key.startsWith(`${k}.`)),
        ),
      ),
    ]),
  );
  const globalKeys = Object.keys(flatten(global));
  const keys = [...new Set(Object.values(flat).flatMap((f) => Object.keys(f)))].sort();
  const differences: ConfigDifference[] = [];
  for (const key of keys) {
    const values = Object.fromEntries(Object.entries(flat).map(([stack, f]) => [stack, f[key]]));
    const distinct = new Set(Object.values(values).map((v) => JSON.stringify(v ?? null)));
    if (distinct.size <= 1) continue;
    const fromGlobal = globalKeys.some(
      (g) => g === key || key.startsWith(`${g}.`) || g.startsWith(`${key}.`),
    );
    differences.push({ key, values, expected: !fromGlobal && key !== "release.version" });
  }
  return differences;
}

/** Stacks compared with each other: same target and environment, different regions. */
export function comparableGroups(
  configs: Readonly<Record<string, Layer>>,
): { name: string; stacks: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const [stack, config] of Object.entries(configs)) {
    const name = `${String(config.target ?? "aws")}/${String(config.environment ?? "?")}`;
    groups.set(name, [...(groups.get(name) ?? []), stack]);
  }
  return [...groups]
    .map(([name, stacks]) => ({ name, stacks }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
