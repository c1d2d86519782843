import type { GateTarget } from "./gate";
import type { RolloutController, RolloutStatus } from "./rollout-controller";

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "rollouts";

/** Returns the kubeconfig of an Outpost's cluster (a secret stack output); never logged. */
export type KubeconfigSource = (stack: string, outpost: string) => Promise<string | undefined>;

interface RolloutObject {
  spec?: {
    paused?: boolean;
    strategy?: { canary?: { steps?: { pause?: { duration?: unknown } }[] } };
  };
  status?: {
    phase?: string;
    abort?: boolean;
    message?: string;
    currentStepIndex?: number;
    pauseConditions?: { reason?: string }[] | null;
  };
}

/** Reads the Argo status the way `kubectl argo rollouts status` does. Pure. */
export function rolloutStatusOf(rollout: RolloutObject): RolloutStatus {
  const steps = rollout.spec?.strategy?.canary?.steps ?? [];
  const index = rollout.status?.currentStepIndex ?? steps.length;
  const step = steps[index];
  const pausedAtStep = (rollout.status?.pauseConditions ?? []).some(
    (c) => c.reason === "CanaryPauseStep",
  );
  return {
    phase: rollout.status?.phase ?? "Progressing",
    aborted: rollout.status?.abort === true,
    waitingForPromotion:
      pausedAtStep && step?.pause !== undefined && step.pause.duration === undefined,
    complete: index >= steps.length,
    message: rollout.status?.message ?? "",
  };
}

/** The Kubernetes adapter: the Argo Rollouts CRD through @kubernetes/client-node. */
export function kubernetesRolloutController(kubeconfigs: KubeconfigSource): RolloutController {
  async function api(target: GateTarget) {
    const k8s = await import("@kubernetes/client-node");
    const kubeconfig = await kubeconfigs(target.stack, target.outpost);
    if (kubeconfig === undefined) {
      throw new Error(`no kubeconfig for ${target.stack}/${target.outpost} in the stack outputs`);
    }
    const config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig);
    return { k8s, client: config.makeApiClient(k8s.CustomObjectsApi) };
  }

  function ref(target: GateTarget) {
    const rollout = target.outputs.rollout;
    if (rollout === null) throw new Error(`${target.outpost} has no Rollout`);
    return {
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: rollout.namespace,
      name: rollout.name,
    };
  }

  /** Status patches are how `kubectl argo rollouts promote/abort` talk to the controller. */
  async function patchStatus(
    target: GateTarget,
    status: Record<string, unknown>,
    spec?: Record<string, unknown>,
  ) {
    const { k8s, client } = await api(target);
    const options = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    if (spec) await client.patchNamespacedCustomObject({ ...ref(target), body: { spec } }, options);
    await client.patchNamespacedCustomObjectStatus({ ...ref(target), body: { status } }, options);
  }

  return {
    async status(target) {
      const { client } = await api(target);
      return rolloutStatusOf(
        (await client.getNamespacedCustomObject(ref(target))) as RolloutObject,
      );
    },
    promote: (target) => patchStatus(target, { pauseConditions: null }, { paused: false }),
    abort: (target) => patchStatus(target, { abort: true }),
  };
}
