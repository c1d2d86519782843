import type { RolloutController, RolloutStatus } from "../rollouts/rollout-controller";
import { fail, type Gate, type GateTarget, type Measurement, pass, pending } from "./gate";

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
