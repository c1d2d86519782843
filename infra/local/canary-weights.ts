import { Color, otherColor, OutpostDeploymentState } from "../contract";
import { CanaryStepConfig } from "../config";

/**
 * The EKS Rollout's canary, carried out on the local target's blue/green pools: the stable
 * pods are the active color, the canary pods the candidate color, and each `setWeight` step
 * is a candidateWeight value that the driver writes to the deployment state. Pauses and
 * analysis are the driver's gates, so only the weights remain here.
 */
export function canaryWeightSchedule(steps: readonly CanaryStepConfig[]): number[] {
  return steps.flatMap((step) => ("setWeight" in step ? [step.setWeight] : []));
}

export interface CanaryPosition {
  readonly stableColor: Color;
  readonly canaryColor: Color;
  readonly weight: number;
  /** Index of the setWeight step the weight matches; -1 before the first, null off-schedule. */
  readonly step: number | null;
}

export function canaryPosition(
  state: OutpostDeploymentState,
  schedule: readonly number[],
): CanaryPosition {
  const weight = state.candidateWeight;
  const index = schedule.indexOf(weight);
  return {
    stableColor: state.activeColor,
    canaryColor: otherColor(state.activeColor),
    weight,
    step: weight === 0 ? -1 : index >= 0 ? index : null,
  };
}
