/** What a kubeconfig needs to reach one EKS cluster through `aws eks get-token`. */
export interface KubeconfigInput {
  readonly clusterName: string;
  /** Local clusters authenticate by cluster id (a UUID), extended ones by name. */
  readonly clusterKind: "local" | "extended";
  readonly clusterId: string;
  readonly endpoint: string;
  readonly certificateAuthority: string;
  readonly region: string;
  /**
   * The role that created the cluster (the stack's `aws:assumeRoles`), to sign the token as.
   * Undefined: the caller's own credentials created it and sign the token.
   */
  readonly roleArn?: string;
}

/**
 * Pure: a kubeconfig document (as JSON, which is valid YAML) for the Kubernetes provider.
 *
 * A local cluster admits the IAM principal that created it as its administrator, and nobody
 * else until aws-auth maps more (EKS User Guide, "Deploy an Amazon EKS cluster on AWS
 * Outposts": https://docs.aws.amazon.com/eks/latest/userguide/eks-outposts-local-cluster-create.html).
 * That principal is the provider's role, while the engine runs `aws` with the caller's own
 * credentials (the CodeBuild role, a user's): `--role-arn` has the CLI assume the creator's
 * role for the token. The CLI names that session itself; EKS maps the role, not the session.
 * https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
 */
export function renderKubeconfig(input: KubeconfigInput): string {
  const identity =
    input.clusterKind === "local"
      ? ["--cluster-id", input.clusterId]
      : ["--cluster-name", input.clusterName];
  const role = input.roleArn === undefined ? [] : ["--role-arn", input.roleArn];
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: input.clusterName,
        cluster: {
          server: input.endpoint,
          "certificate-authority-data": input.certificateAuthority,
        },
      },
    ],
    contexts: [
      { name: input.clusterName, context: { cluster: input.clusterName, user: input.clusterName } },
    ],
    "current-context": input.clusterName,
    users: [
      {
        name: input.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", ...identity, "--region", input.region, ...role],
          },
        },
      },
    ],
  });
}
