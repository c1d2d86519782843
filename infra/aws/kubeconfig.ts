/** What a kubeconfig needs to reach one EKS cluster through `aws eks get-token`. */
export interface KubeconfigInput {
  readonly clusterName: string;
  /** Local clusters authenticate by cluster id (a UUID), extended ones by name. */
  readonly clusterKind: "local" | "extended";
  readonly clusterId: string;
  readonly endpoint: string;
  readonly certificateAuthority: string;
  readonly region: string;
}

/** Pure: a kubeconfig document (as JSON, which is valid YAML) for the Kubernetes provider. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const identity =
    input.clusterKind === "local"
      ? ["--cluster-id", input.clusterId]
      : ["--cluster-name", input.clusterName];
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
            args: ["eks", "get-token", ...identity, "--region", input.region],
          },
        },
      },
    ],
  });
}
