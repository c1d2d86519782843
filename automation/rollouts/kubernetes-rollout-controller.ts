import { ROLLOUT_PAUSE_FLOORS_ANNOTATION } from "../../infra/contract";
import type { GateTarget } from "../gates/gate";
import type { RolloutController, RolloutStatus } from "./rollout-controller";

const GROUP = "argoproj.io";
const VERSION = "v1alpha1";
const PLURAL = "rollouts";

/** Returns the kubeconfig of an Outpost's cluster (a secret stack output); never logged. */
export type KubeconfigSource = (stack: string, outpost: string) => Promise<string | undefined>;

/** The parts of an argoproj.io/v1alpha1 Rollout the driver reads. */
export interface RolloutObject {
  metadata?: { annotations?: Record<string, string> | null };
  spec?: {
    paused?: boolean;
    template?: { spec?: { containers?: { image?: string }[] } };
    strategy?: { canary?: { steps?: { setWeight?: number; pause?: { duration?: unknown } }[] } };
  };
  status?: {
    phase?: string;
    abort?: boolean;
    message?: string;
    currentStepIndex?: number;
    pauseConditions?: { reason?: string }[] | null;
  };
}

/** Where a Rollout lives in its cluster. */
export interface RolloutRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The three calls the driver makes on a cluster's Rollout: read it, merge-patch its spec, and
 * merge-patch its status (how `kubectl argo rollouts promote/abort` talk to the controller).
 */
export interface RolloutApi {
  get(ref: RolloutRef): Promise<RolloutObject>;
  patchSpec(ref: RolloutRef, spec: Record<string, unknown>): Promise<void>;
  patchStatus(ref: RolloutRef, status: Record<string, unknown>): Promise<void>;
}

/** The API of the cluster an Outpost's Rollout runs in. */
export type RolloutApiFor = (target: GateTarget) => Promise<RolloutApi>;

/** Reads the Argo status the way `kubectl argo rollouts status` does. Pure. */
export function rolloutStatusOf(rollout: RolloutObject): RolloutStatus {
  const steps = rollout.spec?.strategy?.canary?.steps ?? [];
  const index = rollout.status?.currentStepIndex ?? steps.length;
  const step = steps[index];
  const pause = (rollout.status?.pauseConditions ?? []).find((c) => c.reason === "CanaryPauseStep");
  const waitingForPromotion =
    pause !== undefined && step?.pause !== undefined && step.pause.duration === undefined;
  const floor = waitingForPromotion ? pauseFloorOf(rollout, index) : undefined;
  return {
    phase: rollout.status?.phase ?? "Progressing",
    aborted: rollout.status?.abort === true,
    waitingForPromotion,
    complete: index >= steps.length,
    message: rollout.status?.message ?? "",
    ...(floor === undefined ? {} : { pauseFloorSeconds: floor }),
  };
}

/** The floor of the pause at `index` from the Rollout's annotation; undefined without one. */
function pauseFloorOf(rollout: RolloutObject, index: number): number | undefined {
  const text = rollout.metadata?.annotations?.[ROLLOUT_PAUSE_FLOORS_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const floor = (JSON.parse(text) as Record<string, unknown>)[String(index)];
    return typeof floor === "number" && floor >= 0 ? floor : undefined;
  } catch {
    return undefined;
  }
}

function refOf(target: GateTarget): RolloutRef {
  const rollout = target.outputs.rollout;
  if (rollout === null) throw new Error(`${target.outpost} has no Rollout`);
  return { namespace: rollout.namespace, name: rollout.name };
}

/** Watches, promotes and aborts an Outpost's Argo Rollout through its cluster's API. */
export function kubernetesRolloutController(apiFor: RolloutApiFor): RolloutController {
  return {
    async status(target) {
      return rolloutStatusOf(await (await apiFor(target)).get(refOf(target)));
    },
    async promote(target) {
      const api = await apiFor(target);
      await api.patchSpec(refOf(target), { paused: false });
      await api.patchStatus(refOf(target), { pauseConditions: null });
    },
    async abort(target) {
      await (await apiFor(target)).patchStatus(refOf(target), { abort: true });
    },
  };
}

/** The real cluster API: the Argo Rollouts CRD through @kubernetes/client-node. */
export function clusterRolloutApi(kubeconfigs: KubeconfigSource): RolloutApiFor {
  return async (target) => {
    const k8s = await import("@kubernetes/client-node");
    const kubeconfig = await kubeconfigs(target.stack, target.outpost);
    if (kubeconfig === undefined) {
      throw new Error(`no kubeconfig for ${target.stack}/${target.outpost} in the stack outputs`);
    }
    const config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig);
    const client = config.makeApiClient(k8s.CustomObjectsApi);
    const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
    const object = (ref: RolloutRef) => ({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      ...ref,
    });
    return {
      get: async (ref) => (await client.getNamespacedCustomObject(object(ref))) as RolloutObject,
      patchSpec: async (ref, spec) => {
        await client.patchNamespacedCustomObject({ ...object(ref), body: { spec } }, merge);
      },
      patchStatus: async (ref, status) => {
        await client.patchNamespacedCustomObjectStatus({ ...object(ref), body: { status } }, merge);
      },
    };
  };
}
