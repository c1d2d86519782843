import { Tags } from "../aws/tags";
import { ControlConfig } from "./control-config";

/**
 * Tags for every control-plane resource: the same keys as a fleet stack's (required-tags),
 * with Environment `control` and the control plane's own DeploymentId.
 */
export function controlTags(config: Pick<ControlConfig, "name" | "awsRegion">): Tags {
  return {
    Environment: "control",
    Region: config.awsRegion,
    DeploymentId: `${config.name}-control`,
    ManagedBy: "outpost-fleet",
  };
}
