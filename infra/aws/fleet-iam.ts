import type { NodeControllersScope, PolicyDocument, PolicyStatement } from "./iam-types";
import { loadBalancerControllerStatements } from "./load-balancer-controller-policy";

/** IAM policy documents as plain data, so tests can read exactly what is granted. */

export function assumeRolePolicy(service: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** Read-only access to this stack's config subtree and its secrets; nothing else. */
export function configReadPolicy(parameterPathArn: string, secretArns: string[]): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: [parameterPathArn],
    },
  ];
  if (secretArns.length > 0) {
    statements.push({
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: secretArns,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The path of every fleet stack's EKS node role. The release image's repository in the control
 * account lets roles under it, in the fleet's accounts, pull (infra/control/image-pull-policy.ts).
 */
export const EKS_NODE_ROLE_PATH = "/outpost-fleet/eks-nodes/";

/** AWS managed policies, by role. */
export const MANAGED_POLICIES = {
  appInstance: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
  eksNode: [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ],
  /** A local cluster's control plane runs on EC2 in the Outpost, hence its own policy. */
  localCluster: ["arn:aws:iam::aws:policy/AmazonEKSLocalOutpostClusterPolicy"],
  extendedCluster: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
} as const;

/**
 * Local clusters have no IRSA, so the node role carries what the in-cluster controllers need:
 * the AWS Load Balancer Controller (aws-load-balancer-controller.ts) and Argo analysis'
 * CloudWatch reads.
 */
export function nodeControllersPolicy(scope: NodeControllersScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...loadBalancerControllerStatements(scope),
      {
        Sid: "ArgoAnalysisMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:GetMetricData"],
        Resource: "*",
      },
    ],
  };
}
