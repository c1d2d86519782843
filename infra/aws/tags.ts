import { Color } from "../contract";
import { FleetConfig } from "../config";

export type Tags = Record<string, string>;

/**
 * Identifies the Pulumi deployment that owns a resource. It stays the same across releases
 * and flips, so a flip never rewrites tags on resources it does not touch.
 */
export function deploymentId(
  config: Pick<FleetConfig, "app" | "environment" | "regionGroup">,
): string {
  return `${config.app.name}-${config.environment}-${config.regionGroup}`;
}

/** Tags for stack-wide resources (IAM, config store, dashboard, log bucket). */
export function stackTags(config: FleetConfig): Tags {
  return {
    Environment: config.environment,
    Region: config.awsRegion,
    DeploymentId: deploymentId(config),
    ManagedBy: "outpost-fleet",
  };
}

/** Tags for resources shared by both colors of an Outpost (ALB, listeners, security groups). */
export function withOutpost(stack: Tags, outpost: string): Tags {
  return { ...stack, Outpost: outpost };
}

/** Tags for resources of one color: they also carry the color and the version it runs. */
export function withColor(site: Tags, color: Color, version: string): Tags {
  return { ...site, Color: color, AppVersion: version };
}

/** A site's tags straight from the config (the local target's resources use this too). */
export function siteTags(config: FleetConfig, outpost: string): Tags {
  return withOutpost(stackTags(config), outpost);
}

export function colorTags(
  config: FleetConfig,
  outpost: string,
  color: Color,
  version: string,
): Tags {
  return withColor(siteTags(config, outpost), color, version);
}

/** ASGs take tags as a list, and propagate them to the instances they launch. */
export function asgTags(tags: Tags): { key: string; value: string; propagateAtLaunch: boolean }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
}
