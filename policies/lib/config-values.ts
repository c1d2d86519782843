import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { isRecord } from "./plain";

/**
 * Reading policy config. The engine validates it against each policy's configSchema before
 * the pack runs, but the pack may also be run by other tools, so readers stay defensive: a
 * value of the wrong shape counts as absent.
 */
export function configString(config: object, key: string): string | undefined {
  const value = (config as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function configNumber(config: object, key: string, fallback: number): number {
  const value = (config as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function configBoolean(config: object, key: string, fallback: boolean): boolean {
  const value = (config as Record<string, unknown>)[key];
  return typeof value === "boolean" ? value : fallback;
}

export function configStrings(
  config: object,
  key: string,
  fallback: readonly string[] = [],
): readonly string[] {
  const value = (config as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : fallback;
}

export function configNumbers(config: object, key: string): readonly number[] {
  const value = (config as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

export function configRecords(config: object, key: string): readonly Record<string, unknown>[] {
  const value = (config as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Semantic version, as the fleet config requires (infra/config/patterns.ts). */
export const SEMVER_PATTERN =
  "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$";

export const INSTANCE_TYPES_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  items: { type: "string" },
  minItems: 1,
};

/** The per-Outpost capacity limits of the fleet config (capacitySchema in infra/config). */
export const CAPACITY_SCHEMA: PolicyConfigJSONSchema = {
  type: "object",
  properties: {
    min: { type: "integer", minimum: 0 },
    desired: { type: "integer", minimum: 0 },
    max: { type: "integer", minimum: 1 },
    maxInstances: { type: "integer", minimum: 1 },
  },
  required: ["min", "desired", "max", "maxInstances"],
};
