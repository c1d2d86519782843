import { initialDeploymentState, OutpostDeploymentState } from "../contract";
import { ParsedFleetConfig } from "./schema";

/** The release with everything derived from its version. */
export interface ResolvedRelease {
  readonly version: string;
  /** Container image for EKS: `<imageRepository>:<version>`. */
  readonly image: string;
}

/** A stack's configuration after layering, validation and defaults. Components take this. */
export interface FleetConfig extends Omit<ParsedFleetConfig, "deployment" | "release"> {
  readonly release: ResolvedRelease;
  /** One entry for every Outpost of the stack. */
  readonly deployment: Readonly<Record<string, OutpostDeploymentState>>;
  /** See fleetFingerprint(): identical on every stack of one release and environment. */
  readonly fingerprint: string;
  /** Declared secrets that were given a value; only these are created in Secrets Manager. */
  readonly secretsWithValues: readonly string[];
  /** Declared secrets without a value, outside production (where they are an error). */
  readonly missingSecrets: readonly string[];
}

/** Name of the AMI baked for one app version, looked up at deploy time. */
export function amiNameFor(amiNamePrefix: string, version: string): string {
  return `${amiNamePrefix}-${version}`;
}

export function imageFor(imageRepository: string, version: string): string {
  return `${imageRepository}:${version}`;
}

export { initialDeploymentState };
