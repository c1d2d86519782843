import type { GateTarget } from "./gate";
import { fail, type Gate, type Measurement, pass, pending } from "./gate";

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

/** A Rollout that aborted or degraded is a failed gate; one still moving is pending. */
export function judgeRollout(status: RolloutStatus): Measurement {
  if (status.aborted) return fail(`Rollout aborted: ${status.message}`);
  if (status.phase === "Degraded") return fail(`Rollout degraded: ${status.message}`);
  if (status.phase === "Healthy" && status.complete) return pass("Rollout healthy");
  return pending(`Rollout ${status.phase}${status.message ? `: ${status.message}` : ""}`);
}

/** During bake: the Rollout must stay healthy. */
export class RolloutPhaseGate implements Gate {
  readonly name = "argo-rollout";

  constructor(private readonly controller: RolloutController) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    return judgeRollout(await this.controller.status(target, signal));
  }
}

export function hasRollout(target: GateTarget): boolean {
  return (
    target.target === "aws" && target.outputs.rollout !== null && target.outputs.cluster !== null
  );
}
