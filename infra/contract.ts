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

/** Where a stack runs: the real Outposts, or real processes on this machine (docs/local-target.md). */
export const TARGETS = ["aws", "local"] as const;
export type Target = (typeof TARGETS)[number];

/**
 * Type token of each target's per-Outpost site component. A targeted `up` selects an Outpost by
 * the URN of its site component and that URN's descendants, never by a name prefix, so two
 * Outposts named `nyc` and `nyc-dc1` are always updated independently.
 */
export const SITE_COMPONENT_TYPES: Readonly<Record<Target, string>> = {
  aws: "outpost-fleet:site:OutpostSite",
  local: "outpost-fleet:local:OutpostSite",
};

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
  /**
   * Version the Outpost's EKS Rollout runs (the image tag). The driver changes it only at the
   * `canary` step, and a rollback puts it back; Argo Rollouts then runs the canary steps.
   * When a stack file leaves it out, it is the active color's version.
   */
  readonly rolloutVersion: string;
}

export type DeploymentState = Readonly<Record<string, OutpostDeploymentState>>;

/** The version one color runs. */
export function versionOf(
  state: Pick<OutpostDeploymentState, "blueVersion" | "greenVersion">,
  color: Color,
): string {
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
    rolloutVersion: version,
  };
}

/** A deployment state as a stack file may hold it: `rolloutVersion` may be left out. */
export type StoredDeploymentState = Omit<OutpostDeploymentState, "rolloutVersion"> & {
  readonly rolloutVersion?: string;
};

/** Fills what a stack file may leave out: the Rollout runs what the active color runs. */
export function completeDeploymentState(state: StoredDeploymentState): OutpostDeploymentState {
  return { ...state, rolloutVersion: state.rolloutVersion ?? versionOf(state, state.activeColor) };
}

/**
 * Where the gates read each color's own traffic figures (requests, 5xx, response time), so a
 * candidate is judged by its own answers and not by a blend diluted by the stable color.
 */
export type TrafficStatsSource =
  | {
      /** CloudWatch `AWS/ApplicationELB` metrics by target group. */
      readonly kind: "cloudwatch";
      /** The `LoadBalancer` dimension: the ALB's ARN suffix, `app/<name>/<id>`. */
      readonly loadBalancer: string;
      /** The `TargetGroup` dimension of each color: `targetgroup/<name>/<id>`. */
      readonly targetGroups: Readonly<Record<Color, string>>;
    }
  | {
      /**
       * The app's own high-resolution CloudWatch metrics (app/request-metrics.ts): every
       * instance and pod publishes its requests, 5xx answers and latencies per `periodSeconds`
       * (StorageResolution 1), by the APP_METRICS dimensions, so a gate reads seconds-old
       * evidence instead of the ALB's 60 s periods.
       */
      readonly kind: "app-metrics";
      readonly namespace: string;
      /** The `Outpost` dimension's value. */
      readonly outpost: string;
      /** How often the app publishes, and the Period the gates read (1, 5, 10, 20 or 30 s). */
      readonly periodSeconds: number;
    }
  | {
      /** HAProxy's `show stat` on the balancer's runtime socket, per backend and server. */
      readonly kind: "haproxy";
      /** Path of the runtime API socket. */
      readonly socket: string;
      /** The production backend; `targetGroups` name its servers by color. */
      readonly backend: string;
    };

/**
 * The names of the app's own metrics (TrafficStatsSource `app-metrics`). `Track` tells the
 * instances of an ASG color (`blue`, `green`) from the Rollout's pods of a version
 * (`eks:<version>`): the canary's pods are those of the release.
 */
export const APP_METRICS = {
  requests: "Requests",
  errors: "Errors5xx",
  /** Milliseconds, published as values and counts so that trimmed counts (TC) work on it. */
  latency: "LatencyMs",
  outpostDimension: "Outpost",
  trackDimension: "Track",
} as const;

/** The `Track` dimension of an ASG color's instances, or of the Rollout's pods of a version. */
export function metricTrack(
  of: { readonly color: Color } | { readonly eksVersion: string },
): string {
  return "color" in of ? of.color : `eks:${of.eksVersion}`;
}

/** The Outpost's Argo Rollout and its own front door (the Ingress ALB that Argo shifts). */
export interface RolloutOutputs {
  readonly name: string;
  readonly namespace: string;
  /** The version the Rollout's image runs (deployment state `rolloutVersion`). */
  readonly version: string;
  readonly stableService: string;
  readonly canaryService: string;
  /** URL of the Ingress ALB, from the Ingress status; null until the controller has made it. */
  readonly ingressEndpoint: string | null;
}

/** Stack output `outposts`: one entry per Outpost, keyed by Outpost name. */
export interface OutpostOutputs {
  readonly outpost: string;
  /** URL the gates probe: ALB DNS name on AWS, HAProxy frontend on the local target. */
  readonly endpoint: string;
  /**
   * URL that reaches only the candidate (idle) color, whatever the listener weights: the ALB's
   * test listener on AWS (CodeDeploy's test traffic), an HAProxy preview frontend locally.
   * `verify` tests the candidate here before it takes any production request.
   */
  readonly previewEndpoint: string;
  /**
   * The name the service's certificate names (config `serviceDomain`): the gates send it as
   * the TLS server name (SNI) and the Host header to `endpoint`, `previewEndpoint` and the
   * Rollout's Ingress, and check the certificate against it. Null on the local target (plain
   * http, no certificate). A stack deployed before this field reports none: its gates then
   * check the certificate against the URL's own host.
   */
  readonly serviceDomain: string | null;
  readonly trafficStats: TrafficStatsSource;
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
  readonly rollout: RolloutOutputs | null;
}

/**
 * The annotation on an Outpost's Argo Rollout that holds each indefinite pause's floor in
 * seconds, by step index, as JSON (`{"1":120,"3":300}`): the driver promotes a pause once the
 * canary's evidence has passed and its floor has elapsed (docs/stack-contract.md).
 */
export const ROLLOUT_PAUSE_FLOORS_ANNOTATION = "outpost-fleet.io/pause-floors";

/** Names of the stack outputs. */
export const STACK_OUTPUTS = {
  /** Record<outpostName, OutpostOutputs> */
  outposts: "outposts",
  /** The release version the stack was last deployed with. */
  release: "release",
  /** sha256 of the release plus the global config layer: identical on every stack. */
  fingerprint: "fingerprint",
  /**
   * "sha256:..." of the app's runtime settings (appSettings, log level, region compliance):
   * what the app's GET /config reports once it runs with them. Differs across regions.
   */
  runtimeFingerprint: "runtimeFingerprint",
  regionGroup: "regionGroup",
  environment: "environment",
  target: "target",
  /** Record<outpostName, kubeconfig>, always a secret. */
  kubeconfigs: "kubeconfigs",
  /**
   * Record<outpostName, OutpostDeploymentState>: the deployment state the last update applied.
   * The driver reconciles a stale stack file (a fresh CI checkout) from it before it acts.
   */
  deployment: "deployment",
} as const;

/**
 * The tag keys of the contract. Not every resource carries all of them: every taggable one has
 * Environment, Region and DeploymentId; per-Outpost ones also Outpost; per-color ones Color;
 * the versioned ones (launch templates, ASGs, local pools) AppVersion (docs/stack-contract.md).
 */
export const REQUIRED_TAGS = [
  "Environment",
  "AppVersion",
  "Region",
  "Outpost",
  "Color",
  "DeploymentId",
] as const;
