import type { RolloutController, RolloutStatus } from "../rollouts/rollout-controller";
import { fail, type Gate, type GateTarget, type Measurement, pass, pending } from "./gate";

/** A Rollout that aborted or degraded is a failed gate; one still moving is pending. */
export function judgeRollout(status: RolloutStatus): Measurement {
  if (status.aborted) return fail(`Rollout aborted: ${status.message}`);
  if (status.phase === "Degraded") return fail(`Rollout degraded: ${status.message}`);
  if (status.phase === "Healthy" && status.complete) return pass("Rollout healthy");
  return pending(`Rollout ${status.phase}${status.message ? `: ${status.message}` : ""}`);
}

/**
 * For the bake: a Rollout still on its canary steps is healthy as long as it has not aborted or
 * degraded. With waves in a pipeline the bake runs beside the EKS canary step, whose driver
 * promotes the Rollout's indefinite pauses; waiting here for the Rollout to complete would wait
 * on that step (which itself holds the batch until the Rollout is done).
 */
export function judgeRolloutStaysHealthy(status: RolloutStatus): Measurement {
  const judged = judgeRollout(status);
  if (judged.verdict !== "pending") return judged;
  return pass(
    `Rollout ${status.phase}, not degraded${status.message ? `: ${status.message}` : ""}`,
  );
}

/** During bake: the Rollout must stay healthy (it may still be on its canary steps). */
export class RolloutPhaseGate implements Gate {
  readonly name = "argo-rollout";

  constructor(private readonly controller: RolloutController) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    return judgeRolloutStaysHealthy(await this.controller.status(target, signal));
  }
}
