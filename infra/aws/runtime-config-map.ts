import { canonicalJson, RuntimeDocument } from "../config";

/**
 * The app's runtime settings on EKS, as a ConfigMap in the app's namespace that the Rollout's
 * container reads as env APP_RUNTIME_CONFIG (configMapKeyRef). Pods don't read SSM like the
 * EC2 instances do: that needs the node role's credentials through IMDS, which AWS advises
 * keeping from pods (an IMDS hop limit of 1 takes them away entirely), and local clusters on
 * Outposts have no IRSA to give the app a role of its own.
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
