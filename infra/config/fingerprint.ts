import { createHash } from "node:crypto";
import { canonicalJson } from "../../app/runtime-settings";
import { ParsedFleetConfig } from "./schema";

// One canonical JSON for the stack and the app: the app's, since app/ is built standalone.
export { canonicalJson };

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
  "appSettings",
] as const;

type FleetWide = Pick<ParsedFleetConfig, (typeof FLEET_WIDE_SECTIONS)[number]>;

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
