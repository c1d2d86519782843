import type { GateTarget } from "../gates/gate";

/** What the driver needs to know about an Argo Rollout. */
export interface RolloutStatus {
  /** Healthy | Progressing | Paused | Degraded (Argo's status.phase). */
  readonly phase: string;
  readonly aborted: boolean;
  /** Paused at a canary step without a duration: waiting for someone to promote. */
  readonly waitingForPromotion: boolean;
  /** The canary has run all its steps. */
  readonly complete: boolean;
  readonly message: string;
  /**
   * At an indefinite pause: its floor (the Rollout's pause-floors annotation, the duration the
   * config gave the pause), which the driver waits out before it promotes.
   */
  readonly pauseFloorSeconds?: number;
}

/**
 * Port to the Argo Rollout of an Outpost (AWS target with EKS). Argo Rollouts owns the canary
 * steps inside the cluster; the driver only watches, promotes and aborts.
 */
export interface RolloutController {
  status(target: GateTarget, signal: AbortSignal): Promise<RolloutStatus>;
  promote(target: GateTarget): Promise<void>;
  abort(target: GateTarget): Promise<void>;
}

/** Rollouts that are always done and healthy: for simulations (--dry-run) and benchmarks. */
export const settledRollouts: RolloutController = {
  status: () =>
    Promise.resolve({
      phase: "Healthy",
      aborted: false,
      waitingForPromotion: false,
      complete: true,
      message: "",
    }),
  promote: () => Promise.resolve(),
  abort: () => Promise.resolve(),
};

export function hasRollout(target: GateTarget): boolean {
  return (
    target.target === "aws" && target.outputs.rollout !== null && target.outputs.cluster !== null
  );
}
