import { Color } from "../contract";
import { FleetConfig } from "../config";

export type Tags = Record<string, string>;

/**
 * Identifies the Pulumi deployment that owns a resource. It stays the same across releases
 * and flips, so a flip never rewrites tags on resources it does not touch.
 */
export function deploymentId(config: FleetConfig): string {
  return `${config.app.name}-${config.environment}-${config.regionGroup}`;
}

/** Tags for resources shared by both colors of an Outpost (ALB, listeners, security groups). */
export function siteTags(config: FleetConfig, outpost: string): Tags {
  return {
    Environment: config.environment,
    Region: config.awsRegion,
    Outpost: outpost,
    DeploymentId: deploymentId(config),
    ManagedBy: "outpost-fleet",
  };
}

/** Tags for resources of one color: they also carry the color and the version it runs. */
export function colorTags(
  config: FleetConfig,
  outpost: string,
  color: Color,
  version: string,
): Tags {
  return { ...siteTags(config, outpost), Color: color, AppVersion: version };
}

/** Tags for stack-wide resources (IAM, config store, dashboard). */
export function stackTags(config: FleetConfig): Tags {
  return {
    Environment: config.environment,
    Region: config.awsRegion,
    DeploymentId: deploymentId(config),
    ManagedBy: "outpost-fleet",
  };
}

/** ASGs take tags as a list, and propagate them to the instances they launch. */
export function asgTags(tags: Tags): { key: string; value: string; propagateAtLaunch: boolean }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
}
