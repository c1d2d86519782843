import { createHash } from "node:crypto";
import { ParsedFleetConfig } from "./schema";

/** The sections that must be identical on every stack of one environment. */
export const FLEET_WIDE_SECTIONS = [
  "app",
  "loadBalancer",
  "eks",
  "monitoring",
  "configStore",
  "secretNames",
  "environment",
  "environmentSettings",
] as const;

type FleetWide = Pick<ParsedFleetConfig, (typeof FLEET_WIDE_SECTIONS)[number]>;

/** JSON with sorted keys, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * sha256 over the release version and the fleet-wide config. Two stacks with the same
 * fingerprint run the same version with the same settings; region-only data is left out.
 */
export function fleetFingerprint(releaseVersion: string, config: FleetWide): string {
  const fleetWide = Object.fromEntries(FLEET_WIDE_SECTIONS.map((key) => [key, config[key]]));
  const digest = createHash("sha256")
    .update(canonicalJson({ release: releaseVersion, fleetWide }))
    .digest("hex");
  return `sha256:${digest}`;
}
