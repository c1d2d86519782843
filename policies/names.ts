/**
 * Policy names: the keys of a --policy-pack-config file. Kept free of imports so that the
 * driver can write policy config without loading the pack (or @pulumi/policy).
 */
export const POLICY = {
  releaseVersionConsistency: "release-version-consistency",
  consistencyFingerprint: "consistency-fingerprint",
  requiredTags: "required-tags",
  outpostPlacement: "outpost-placement",
  outpostCapacity: "outpost-capacity",
  blueGreenSymmetry: "blue-green-symmetry",
  canaryShape: "canary-shape",
  ec2Imdsv2Required: "ec2-imdsv2-required",
  ebsEncrypted: "ebs-encrypted",
  eksPrivateEndpoint: "eks-private-endpoint",
  albHttpsListeners: "alb-https-listeners",
  albDropInvalidHeaders: "alb-drop-invalid-headers",
  noPlaintextSecrets: "no-plaintext-secrets",
  outpostInstanceBudget: "outpost-instance-budget",
  albAccessLogs: "alb-access-logs",
  albDeletionProtection: "alb-deletion-protection",
  s3BucketEncryption: "s3-bucket-encryption",
  s3PublicAccessBlock: "s3-public-access-block",
  s3TlsOnly: "s3-tls-only",
  s3BucketLogging: "s3-bucket-logging",
  ecrScanOnPush: "ecr-scan-on-push",
  ecrImmutableTags: "ecr-immutable-tags",
  pipelineStageOrder: "pipeline-stage-order",
} as const;

export type PolicyName = (typeof POLICY)[keyof typeof POLICY];

/** The pack's name, as the CLI and Pulumi Cloud show it. */
export const PACK_NAME = "outpost-fleet-policies";
