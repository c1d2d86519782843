import { Color } from "../contract";
import { FleetConfig } from "../config";
import { colorTags, siteTags, stackTags, Tags } from "../aws/tags";

export type { Tags };

/*
 * Tags of the local target's resources. They follow the AWS target's convention (infra/aws/
 * tags.ts, docs/stack-contract.md) so that the policy pack checks both targets alike, plus
 * `Target: local`.
 */

/** A pool runs one color: it carries the color and the version it runs. */
export function localColorTags(
  config: FleetConfig,
  outpost: string,
  color: Color,
  version: string,
): Tags {
  return { ...colorTags(config, outpost, color, version), Target: "local" };
}

/**
 * The balancer serves both colors, like the ALB: Outpost but neither Color nor AppVersion, so
 * a flip or a release never rewrites its tags.
 */
export function localSiteTags(config: FleetConfig, outpost: string): Tags {
  return { ...siteTags(config, outpost), Target: "local" };
}

/** Stack-wide resources (the config store): no Outpost. */
export function localStackTags(config: FleetConfig): Tags {
  return { ...stackTags(config), Target: "local" };
}
