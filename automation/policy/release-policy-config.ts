import * as fs from "node:fs";
import * as path from "node:path";
import { fleetFingerprint, loadFleetConfig, stackLayerFromConfig } from "../../infra/config";
import { policyConfigFor } from "../../policies/policy-config";
import type { EnginePort } from "../engine/engine-port";

/** Writes one stack's --policy-pack-config for a release and returns the file's path. */
export type ReleasePolicyConfig = (
  stack: string,
  release: string,
  previousRelease: string | undefined,
) => Promise<string>;

/**
 * The fingerprint every stack must carry for a release: the stack's config with its own
 * overrides removed, so that global, region and environment layers count and a stack that
 * overrides a fleet-wide key stands out.
 */
export function expectedFingerprint(
  stackConfig: Readonly<Record<string, unknown>>,
  release: string,
): string {
  const layer = {
    ...stackLayerFromConfig(stackConfig),
    release: { version: release },
    overrides: {},
  };
  return fleetFingerprint(release, loadFleetConfig(layer));
}

/**
 * Per-stack policy config for the preflight preview: the release, its expected fingerprint,
 * the version it replaces (still allowed on the active path until the flip), and the stack's
 * own Outposts for the placement and capacity policies.
 */
export function releasePolicyConfigWriter(
  engine: Pick<EnginePort, "readConfig">,
  dir: string,
): ReleasePolicyConfig {
  return async (stack, release, previousRelease) => {
    const stackConfig = await engine.readConfig(stack);
    const config = loadFleetConfig({
      ...stackLayerFromConfig(stackConfig),
      release: { version: release },
    });
    const file = path.join(dir, `policy-config.${stack}.json`);
    const content = policyConfigFor(config, {
      version: release,
      fingerprint: expectedFingerprint(stackConfig, release),
      previousVersion: previousRelease !== release ? previousRelease : undefined,
    });
    fs.mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a preview never reads half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(content, null, 2));
    fs.renameSync(`${file}.tmp`, file);
    return file;
  };
}
