import { canonicalJson, RuntimeDocument } from "../config";

/**
 * The app's runtime settings on EKS, as a ConfigMap in the app's namespace that the Rollout's
 * container reads as env APP_RUNTIME_CONFIG (configMapKeyRef). Pods don't read SSM like the
 * EC2 instances do, because on a local cluster a pod has no AWS identity of its own: AWS
 * documents no IAM roles for service accounts on local clusters and no EKS Pod Identity on
 * Outposts, so the only credentials a pod there could use are the node role's, through IMDS,
 * which AWS advises keeping from pods. (An extended cluster has IRSA; its controllers get roles
 * of their own and its nodes an IMDS hop limit of 1: outpost-cluster.ts. The app takes the same
 * ConfigMap on both kinds.)
 * https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
 * https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#define-container-environment-variables-using-configmap-data
 * Env from a ConfigMap is read when a container starts, so the fingerprint also goes into the
 * pod template's annotations (rollout-spec.ts): a settings change is a new pod template, which
 * Argo rolls out like a new version.
 */

/** Key of the settings' JSON in the ConfigMap. */
export const RUNTIME_SETTINGS_KEY = "settings.json";
/** Key of their fingerprint, for people reading the ConfigMap. */
export const RUNTIME_FINGERPRINT_KEY = "fingerprint";
/** Pod template annotation holding the fingerprint. */
export const RUNTIME_FINGERPRINT_ANNOTATION = "outpost-fleet.io/runtime-fingerprint";

export function runtimeConfigMapName(appName: string): string {
  return `${appName}-runtime`;
}

export function runtimeConfigMapData(document: RuntimeDocument): Record<string, string> {
  return {
    [RUNTIME_SETTINGS_KEY]: canonicalJson(document.settings),
    [RUNTIME_FINGERPRINT_KEY]: document.fingerprint,
  };
}
