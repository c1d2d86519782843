import type { DriverConfig } from "../engine/engine-port";
import type { JournalEvent } from "../journal/journal-events";
import type { ReleaseProgress } from "../progress/release-progress";
import { passedStaging } from "../progress/staging-record";
import { allStages, type RolloutPlan, stagingWaves } from "../plan/plan-types";
import { initialDeploymentState, isSettled } from "../steps/deployment-transitions";
import type { RunOutcome } from "./run-outcome";

/**
 * An Outpost without a deployment entry runs the stack's release on blue, as the program
 * assumes (initialDeploymentState in infra/config); the baseline records it explicitly.
 */
export function withInitialStates(
  plan: RolloutPlan,
  baselines: Record<string, DriverConfig>,
): Record<string, DriverConfig> {
  const filled: Record<string, DriverConfig> = {};
  for (const [stack, config] of Object.entries(baselines)) {
    const deployment = { ...config.deployment };
    for (const stage of allStages(plan).filter((s) => s.stack === stack)) {
      if (deployment[stage.outpost] === undefined && config.release !== undefined) {
        deployment[stage.outpost] = initialDeploymentState(config.release);
      }
    }
    filled[stack] = { ...config, deployment };
  }
  return filled;
}

/** Every Outpost must have a deployment state with traffic settled on one color. */
export function baselineProblem(
  plan: RolloutPlan,
  baselines: Readonly<Record<string, DriverConfig>>,
): string | undefined {
  for (const stage of allStages(plan)) {
    const state = baselines[stage.stack]?.deployment[stage.outpost];
    if (state === undefined) {
      return `outpost-fleet:deployment.${stage.outpost} is missing in stack ${stage.stack}: every Outpost needs a deployment state`;
    }
    if (!isSettled(state)) {
      return (
        `${stage.id} is mid-shift (candidateWeight ${state.candidateWeight}); finish or roll back ` +
        `the previous release before starting ${plan.release}`
      );
    }
  }
  return undefined;
}

/** Why a production-only plan may not start yet: its release never passed wave 0. */
export function untestedRelease(
  plan: RolloutPlan,
  stagingStacks: readonly string[],
  events: readonly JournalEvent[],
): RunOutcome | undefined {
  if (stagingWaves(plan).length > 0 || stagingStacks.length === 0) return undefined;
  if (passedStaging(events)) return undefined;
  return {
    kind: "blocked",
    reason: `release ${plan.release} has not passed wave 0 on the staging stacks (${stagingStacks.join(", ")})`,
    next: { kind: "deploy-to-staging-first", release: plan.release, stagingStacks },
  };
}

/** How a release the journal has finished ended, for a driver that finds it so. */
export function finishedOutcome(progress: ReleaseProgress): RunOutcome {
  const finished = progress.finished;
  if (finished === undefined) throw new Error("release not finished");
  const reason = finished.reason ?? "";
  switch (finished.outcome) {
    case "succeeded":
      return { kind: "succeeded" };
    case "blocked":
      return { kind: "blocked", reason };
    default:
      return { kind: finished.outcome, reason };
  }
}
