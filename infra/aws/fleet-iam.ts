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

/**
 * Pure: a role's ARN as aws-auth takes it: without the role's path (EKS User Guide, "Grant IAM
 * users and roles access to Kubernetes APIs", the aws-auth ConfigMap: "The role ARN can't
 * include a path"): https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
 */
export function awsAuthRoleArn(roleArn: string): string {
  return roleArn.replace(/^(arn:[^:]+:iam::\d{12}:role\/)(?:.*\/)?([^/]+)$/, "$1$2");
}

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
 * Argo analysis' CloudWatch reads (the AnalysisTemplate's cloudwatch provider). GetMetricData
 * has no resource-level permissions.
 */
const ARGO_ANALYSIS_STATEMENT: PolicyStatement = {
  Sid: "ArgoAnalysisMetrics",
  Effect: "Allow",
  Action: ["cloudwatch:GetMetricData"],
  Resource: "*",
};

/**
 * The app's own request metrics (infra/aws/app-metrics.ts), from its instances and pods.
 * PutMetricData has no resource-level permissions; the `cloudwatch:namespace` condition key
 * scopes it to the app's namespace ("Amazon CloudWatch: condition keys",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 */
export function appMetricsPublishPolicy(namespace: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishAppMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
      },
    ],
  };
}

/** What the AWS Load Balancer Controller may do (load-balancer-controller-policy.ts). */
export function loadBalancerControllerPolicy(scope: NodeControllersScope): PolicyDocument {
  return { Version: "2012-10-17", Statement: loadBalancerControllerStatements(scope) };
}

/** What Argo Rollouts' analysis may do: read CloudWatch metrics. */
export function argoAnalysisPolicy(): PolicyDocument {
  return { Version: "2012-10-17", Statement: [ARGO_ANALYSIS_STATEMENT] };
}

/**
 * On a local cluster a pod's only AWS identity is the node role, through IMDS: AWS documents
 * no IAM roles for service accounts on local clusters (EKS User Guide, "IAM roles for service
 * accounts": https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html,
 * and the deployment options' comparison:
 * https://docs.aws.amazon.com/eks/latest/userguide/eks-outposts.html), and no EKS Pod Identity
 * on Outposts at all (https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html,
 * restrictions). So the node role of a stack with local clusters carries what the in-cluster
 * controllers need there: the AWS Load Balancer Controller and Argo analysis' CloudWatch reads,
 * scoped to those clusters. Extended clusters have IRSA and get controller roles of their own
 * (controller-roles.ts).
 */
export function nodeControllersPolicy(scope: NodeControllersScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [...loadBalancerControllerStatements(scope), ARGO_ANALYSIS_STATEMENT],
  };
}

/**
 * Pure: the trust policy of an IRSA role: only the given service account, through its cluster's
 * OIDC provider, with the STS audience (EKS User Guide, "Assign IAM roles to Kubernetes service
 * accounts": https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html).
 */
export function serviceAccountTrustPolicy(
  providerArn: string,
  issuerUrl: string,
  namespace: string,
  serviceAccount: string,
): PolicyDocument {
  const issuer = issuerUrl.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}
