/** Inputs of the self-managed node boot script (EKS-optimized Amazon Linux 2 AMI). */
export interface NodeBootstrapInput {
  readonly clusterName: string;
  readonly clusterKind: "local" | "extended";
  readonly clusterId: string;
  readonly endpoint: string;
  readonly certificateAuthority: string;
  /** Label that the Rollout's nodeSelector matches. */
  readonly outpost: string;
}

export const OUTPOST_NODE_LABEL = "outpost-fleet/outpost";

/**
 * bootstrap.sh of the AL2 EKS AMI. AL2023 nodes cannot join a local cluster, so the AMI comes
 * from the AL2 SSM parameter; local clusters also need --enable-local-outpost and the cluster id.
 */
export function renderNodeUserData(input: NodeBootstrapInput): string {
  const flags = [
    `--b64-cluster-ca ${input.certificateAuthority}`,
    `--apiserver-endpoint ${input.endpoint}`,
    `--kubelet-extra-args '--node-labels=${OUTPOST_NODE_LABEL}=${input.outpost}'`,
  ];
  if (input.clusterKind === "local") {
    flags.push("--enable-local-outpost true", `--cluster-id ${input.clusterId}`);
  }
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `/etc/eks/bootstrap.sh ${input.clusterName} ${flags.join(" ")}`,
    "",
  ].join("\n");
}
