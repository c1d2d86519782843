import { EKS_NODE_ROLE_PATH } from "../aws/fleet-iam";
import type { PolicyDocument } from "../aws/iam-types";

/**
 * Pure: the release image's repository policy. Replication puts the image in this (the
 * control) account's registry in every fleet Region, while each Region's stacks, and their EKS
 * nodes, live in the Region's own account: a pull from another account needs the repository's
 * policy to allow it (ECR User Guide, "Private repository policy examples", allow another
 * account: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html),
 * besides the node role's own ecr:GetAuthorizationToken (AmazonEC2ContainerRegistryReadOnly).
 * The principals are the fleet accounts; the condition keeps it to their EKS node roles, which
 * every fleet stack creates under EKS_NODE_ROLE_PATH (aws:PrincipalArn is the role's ARN, path
 * included). Pull only: no push, no delete.
 */
export function imagePullPolicy(accounts: readonly string[]): PolicyDocument {
  const fleet = [...new Set(accounts)].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FleetNodesPullReleaseImages",
        Effect: "Allow",
        Principal: { AWS: fleet.map((account) => `arn:aws:iam::${account}:root`) },
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ],
        Condition: {
          ArnLike: {
            "aws:PrincipalArn": fleet.map(
              (account) => `arn:aws:iam::${account}:role${EKS_NODE_ROLE_PATH}*`,
            ),
          },
        },
      },
    ],
  };
}

/** The account of an IAM role ARN (its fifth field). */
export function accountOfRole(roleArn: string): string {
  return roleArn.split(":")[4];
}
