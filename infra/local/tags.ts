import { Color } from "../contract";
import { FleetConfig } from "../config";
import { colorTags, Tags } from "../aws/tags";

export type { Tags };

/**
 * Tags of the local target's resources. They follow the AWS target's convention (infra/aws/
 * tags.ts) so that the policy pack checks both targets alike. Every local resource runs or
 * routes to one color, so all of them carry the full REQUIRED_TAGS set: a pool its own color
 * and version, a balancer the active color and the version it serves.
 */
export function localTags(
  config: FleetConfig,
  outpost: string,
  color: Color,
  version: string,
): Tags {
  return { ...colorTags(config, outpost, color, version), Target: "local" };
}
