import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { sourceRoot } from "./source-root";

/** Plain JSON-like object, the shape of one config layer. */
export type Layer = { [key: string]: unknown };

export const DEFAULT_LAYERS_DIR = path.join(sourceRoot(), "config", "layers");

function isPlainObject(value: unknown): value is Layer {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges layers left to right: later layers win, objects merge key by key, arrays and scalars
 * are replaced whole (a region that lists canary steps means exactly those steps).
 */
export function mergeLayers(...layers: readonly Layer[]): Layer {
  const result: Layer = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const current = result[key];
      result[key] =
        isPlainObject(current) && isPlainObject(value) ? mergeLayers(current, value) : value;
    }
  }
  return result;
}

/** Names of the layer files present in one folder (e.g. the region groups). */
export function availableLayers(layersDir: string, kind: "region" | "environment"): string[] {
  const dir = path.join(layersDir, kind);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

/** Reads one YAML layer; returns undefined when the file does not exist. */
export function readLayer(file: string): Layer | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = parse(fs.readFileSync(file, "utf8")) ?? {};
  if (!isPlainObject(parsed)) {
    throw new Error(`${file}: a config layer must be a YAML mapping`);
  }
  return parsed;
}
