import { EnforcementLevel, Policies } from "@pulumi/policy";
import { blueGreenSymmetry } from "./blue-green-symmetry";
import { canaryShape } from "./canary-shape";
import { consistencyFingerprint } from "./consistency-fingerprint";
import { albAccessLogs, albDeletionProtection } from "./alb-logging";
import { outpostCapacity } from "./outpost-capacity";
import { outpostInstanceBudget } from "./outpost-instance-budget";
import { outpostPlacement } from "./outpost-placement";
import { releaseVersionConsistency } from "./release-version-consistency";
import { requiredTags } from "./required-tags";
import { ebsEncrypted, ec2Imdsv2Required } from "./secure-compute";
import { albDropInvalidHeaders, albHttpsListeners, eksPrivateEndpoint } from "./secure-endpoints";
import { noPlaintextSecrets } from "./secure-secrets";
import { s3BucketEncryption, s3BucketLogging, s3PublicAccessBlock, s3TlsOnly } from "./s3-buckets";
import { ecrImmutableTags, ecrScanOnPush } from "./ecr-repositories";
import { pipelineStageOrder } from "./pipeline-stage-order";

export { PACK_NAME } from "./names";

/** Every policy of the pack, fleet promises first. Importing this starts nothing. */
export const fleetPolicies: Policies = [
  releaseVersionConsistency,
  consistencyFingerprint,
  requiredTags,
  outpostPlacement,
  outpostCapacity,
  outpostInstanceBudget,
  blueGreenSymmetry,
  canaryShape,
  ec2Imdsv2Required,
  ebsEncrypted,
  eksPrivateEndpoint,
  albHttpsListeners,
  albDropInvalidHeaders,
  albAccessLogs,
  albDeletionProtection,
  s3BucketEncryption,
  s3PublicAccessBlock,
  s3TlsOnly,
  s3BucketLogging,
  noPlaintextSecrets,
  // The control plane (infra/control): the release image and the pipeline.
  ecrScanOnPush,
  ecrImmutableTags,
  pipelineStageOrder,
];

/** Level of a policy that does not set its own (all of ours do). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";
