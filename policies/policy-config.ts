/**
 * The policy config the driver passes to every stack's preview (--policy-pack-config). A pure
 * function of the stack's config and the release, so that the driver, tests and docs produce
 * the same file. Loads no policy code.
 */
import type { FleetConfig } from "../infra/config/fleet-config";
import { POLICY, PolicyName } from "./names";

/** What the driver expects of every stack in this release. */
export interface ReleaseExpectation {
  /** The release version the active path must run. */
  readonly version: string;
  /** sha256 of the release plus the fleet-wide config; the same for every stack. */
  readonly fingerprint: string;
  /** Set while a release rolls out: the version it replaces, still allowed on either color. */
  readonly previousVersion?: string;
  /** Most traffic (percent) a candidate running another version may take; default 100. */
  readonly maxCandidateWeight?: number;
}

/** Properties of one policy in a --policy-pack-config file. */
export type PolicyProperties = Readonly<Record<string, unknown>>;
export type PolicyPackConfigFile = Readonly<Partial<Record<PolicyName, PolicyProperties>>>;

/** The config the driver writes for one stack's preview. */
export function policyConfigFor(
  config: FleetConfig,
  expected: ReleaseExpectation,
): PolicyPackConfigFile {
  const release: Record<string, unknown> = { expectedVersion: expected.version };
  if (expected.previousVersion !== undefined) release.previousVersion = expected.previousVersion;
  if (expected.maxCandidateWeight !== undefined)
    release.maxCandidateWeight = expected.maxCandidateWeight;
  return {
    [POLICY.releaseVersionConsistency]: release,
    [POLICY.consistencyFingerprint]: { expectedFingerprint: expected.fingerprint },
    [POLICY.requiredTags]: {
      expectedValues: {
        Environment: config.environment,
        Region: config.awsRegion,
        Outpost: config.outposts.map((o) => o.name),
      },
    },
    [POLICY.outpostPlacement]: {
      outposts: config.outposts.map((o) => ({
        name: o.name,
        arn: o.arn,
        subnetId: o.subnetId,
        vpcId: o.vpcId,
        ...(o.regionSubnetIds ? { regionSubnetIds: [...o.regionSubnetIds] } : {}),
      })),
    },
    [POLICY.outpostCapacity]: {
      outposts: config.outposts.map((o) => ({
        name: o.name,
        instanceTypes: [...o.instanceTypes],
        capacity: { ...o.capacity },
      })),
    },
    [POLICY.outpostInstanceBudget]: {
      outposts: config.outposts.map((o) => ({ name: o.name, capacity: { ...o.capacity } })),
    },
    [POLICY.albDeletionProtection]: { required: config.loadBalancer.deletionProtection },
    [POLICY.canaryShape]: {
      weights: config.eks.canarySteps.flatMap((step) =>
        "setWeight" in step ? [step.setWeight] : [],
      ),
    },
    [POLICY.noPlaintextSecrets]: { secretNames: [...config.secretNames] },
  };
}
