/**
 * The stack contract: the seam between the infra program, the driver and the policy pack.
 * Everything here is plain data so that all three sides (and the local target) share one
 * definition. Change it in one place, and document changes in docs/stack-contract.md.
 */

/** Pulumi config namespace; every key below lives under it, e.g. `outpost-fleet:release`. */
export const CONFIG_NAMESPACE = "outpost-fleet";

/** Stack config keys that the driver is allowed to change through the Automation API. */
export const DRIVER_CONFIG_KEYS = {
  release: "release",
  deployment: "deployment",
} as const;

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

export function otherColor(color: Color): Color {
  return color === "blue" ? "green" : "blue";
}

/** The release that the stack should converge to (config key `release`). */
export interface ReleaseConfig {
  /** Semver of the application, e.g. "2.1.0". AMI and container image are derived from it. */
  readonly version: string;
}

/**
 * Per-Outpost deployment state (config key `deployment`, a map keyed by Outpost name).
 * Color is data: a flip changes these values, never a resource's logical name.
 */
export interface OutpostDeploymentState {
  /** Version running on the blue color. */
  readonly blueVersion: string;
  /** Version running on the green color. */
  readonly greenVersion: string;
  /** The color that takes production traffic. */
  readonly activeColor: Color;
  /** Percent of traffic (0-100) sent to the idle color, the candidate. */
  readonly candidateWeight: number;
  /** Keep the idle color scaled up so that a rollback is only a listener flip. */
  readonly idleWarm: boolean;
}

export type DeploymentState = Readonly<Record<string, OutpostDeploymentState>>;

/** The version one color runs. */
export function versionOf(state: OutpostDeploymentState, color: Color): string {
  return color === "blue" ? state.blueVersion : state.greenVersion;
}

/** Deployment state of an Outpost that has never been released to: both colors on `version`, blue active. */
export function initialDeploymentState(version: string): OutpostDeploymentState {
  return {
    blueVersion: version,
    greenVersion: version,
    activeColor: "blue",
    candidateWeight: 0,
    idleWarm: false,
  };
}

/** Stack output `outposts`: one entry per Outpost, keyed by Outpost name. */
export interface OutpostOutputs {
  readonly outpost: string;
  /** URL the gates probe: ALB DNS name on AWS, HAProxy frontend on the local target. */
  readonly endpoint: string;
  readonly activeColor: Color;
  readonly candidateWeight: number;
  readonly versions: Readonly<Record<Color, string>>;
  /** Listener weights by color, in the load balancer's own units. */
  readonly weights: Readonly<Record<Color, number>>;
  /** Target group ARNs on AWS; HAProxy backend/server names on the local target. */
  readonly targetGroups: Readonly<Record<Color, string>>;
  /** CloudWatch alarm names that gate this Outpost (empty on the local target). */
  readonly alarms: readonly string[];
  /** EKS cluster name, or null when EKS is disabled for this Outpost. */
  readonly cluster: string | null;
  readonly rollout: { readonly name: string; readonly namespace: string } | null;
}

/** Names of the stack outputs. */
export const STACK_OUTPUTS = {
  /** Record<outpostName, OutpostOutputs> */
  outposts: "outposts",
  /** The release version the stack was last deployed with. */
  release: "release",
  /** sha256 of the release plus the global config layer: identical on every stack. */
  fingerprint: "fingerprint",
  regionGroup: "regionGroup",
  environment: "environment",
  target: "target",
  /** Record<outpostName, kubeconfig>, always a secret. */
  kubeconfigs: "kubeconfigs",
} as const;

/** Tags every taggable resource carries. */
export const REQUIRED_TAGS = [
  "Environment",
  "AppVersion",
  "Region",
  "Outpost",
  "Color",
  "DeploymentId",
] as const;
