import {
  LOCAL_CLUSTER_CONTROL_PLANE_TYPES,
  LOCAL_CLUSTER_KUBERNETES_VERSIONS,
} from "../aws-catalog";
import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";

export type ClusterKind = "local" | "extended";

export function clusterKindOf(
  config: ParsedFleetConfig,
  outpost: ParsedFleetConfig["outposts"][number],
): ClusterKind {
  return outpost.clusterKind ?? config.eks.clusterKind;
}

function anyLocalCluster(config: ParsedFleetConfig): boolean {
  return config.eks.enabled && config.outposts.some((o) => clusterKindOf(config, o) === "local");
}

/** The EKS-optimized AMI's SSM path names its Kubernetes version and its OS. */
const AMI_PARAMETER = /^\/aws\/service\/eks\/optimized-ami\/(\d+\.\d+)\/([a-z0-9-]+)\//;

/**
 * Node AMI and cluster must agree: AL2023 nodes fail to join a local cluster (EKS User Guide,
 * "Create Amazon Linux nodes on AWS Outposts": AL2 only), and nodes run the cluster's version.
 */
export function nodeImage(config: ParsedFleetConfig): ConfigProblem[] {
  if (!config.eks.enabled) return [];
  const key = "outpost-fleet:eks.nodeAmiSsmParameter";
  const value = config.eks.nodeAmiSsmParameter;
  const match = AMI_PARAMETER.exec(value);
  if (match === null) {
    return [
      {
        key,
        value,
        allowed:
          "must be an EKS-optimized AMI parameter like /aws/service/eks/optimized-ami/1.31/amazon-linux-2/recommended/image_id",
      },
    ];
  }
  const [, version, os] = match;
  const problems: ConfigProblem[] = [];
  if (os.startsWith("amazon-linux-2023") && anyLocalCluster(config)) {
    problems.push({
      key,
      value,
      allowed:
        "must be an Amazon Linux 2 AMI (amazon-linux-2): AL2023 nodes cannot join a local cluster on an Outpost",
    });
  }
  if (version !== config.eks.kubernetesVersion) {
    problems.push({
      key,
      value,
      allowed: `must be an AMI for Kubernetes ${config.eks.kubernetesVersion} (eks.kubernetesVersion); this one is for ${version}`,
    });
  }
  return problems;
}

/** Versions and control-plane types AWS offers for local clusters (aws-catalog.ts). */
export function localClusterOffer(config: ParsedFleetConfig): ConfigProblem[] {
  if (!anyLocalCluster(config)) return [];
  const problems: ConfigProblem[] = [];
  if (!LOCAL_CLUSTER_KUBERNETES_VERSIONS.includes(config.eks.kubernetesVersion)) {
    problems.push({
      key: "outpost-fleet:eks.kubernetesVersion",
      value: config.eks.kubernetesVersion,
      allowed: `must be a version EKS offers for local clusters: ${LOCAL_CLUSTER_KUBERNETES_VERSIONS.join(", ")}`,
    });
  }
  if (!LOCAL_CLUSTER_CONTROL_PLANE_TYPES.includes(config.eks.controlPlaneInstanceType)) {
    problems.push({
      key: "outpost-fleet:eks.controlPlaneInstanceType",
      value: config.eks.controlPlaneInstanceType,
      allowed: `must be a control-plane type AWS documents for local clusters: large, xlarge, 2xlarge or 4xlarge (by node count: 1-20, 21-100, 101-250, 251-500) of an Outposts rack's general-purpose, compute or memory family: ${LOCAL_CLUSTER_CONTROL_PLANE_TYPES.join(", ")}`,
    });
  }
  return problems;
}

/**
 * The clusters' kubeconfig signs in as the role that created them (the last of
 * `aws:assumeRoles`) with `aws eks get-token --role-arn`, which assumes that one role from the
 * caller's own credentials and takes no external ID (AWS CLI reference, eks get-token:
 * https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html). A chain or an external
 * ID would leave every Kubernetes call of the update Unauthorized, so both are refused here.
 */
export function kubeconfigRole(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target !== "aws" || !config.eks.enabled) return [];
  const roles = config.awsAssumeRoles;
  if (roles.length > 1) {
    return [
      {
        key: "aws:assumeRoles",
        value: roles,
        allowed:
          "must name one role while EKS is on: the clusters' kubeconfig assumes the role that created them with `aws eks get-token --role-arn`, in one hop from the caller's credentials",
      },
    ];
  }
  return roles.flatMap((role, index) =>
    role.externalId === undefined
      ? []
      : [
          {
            key: `aws:assumeRoles[${index}].externalId`,
            value: role.externalId,
            allowed:
              "must be unset while EKS is on: the clusters' kubeconfig mints its token with `aws eks get-token --role-arn`, which passes no external ID; require one in the role's trust policy for other callers, or map the callers' role in aws-auth",
          },
        ],
  );
}

/** An extended cluster's control plane runs in the region and needs subnets in two AZs there. */
export function extendedClusterSubnets(config: ParsedFleetConfig): ConfigProblem[] {
  if (!config.eks.enabled) return [];
  return config.outposts.flatMap((outpost, index) => {
    const subnets = outpost.regionSubnetIds ?? [];
    return clusterKindOf(config, outpost) === "extended" && subnets.length < 2
      ? [
          {
            key: `outpost-fleet:outposts[${index}].regionSubnetIds`,
            value: outpost.regionSubnetIds,
            allowed:
              "must list at least two in-region subnets when clusterKind is extended; set them, or use clusterKind local",
          },
        ]
      : [];
  });
}
