import type { DriverConfig } from "../engine/engine-port";
import type { StagingCheck } from "../journal/journal-events";
import type { ReleaseProgress } from "../progress/release-progress";
import type { StagingPass } from "../progress/staging-record";
import { allStages, type RolloutPlan, stagingWaves } from "../plan/plan-types";
import { initialDeploymentState, isSettled } from "../steps/deployment-transitions";
import type { RunOutcome } from "./run-outcome";
import { judgeStagingPass, stagingPassProblem } from "./staging-pass-check";

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

/** What an attempt asks of staging: the fleet's staging stacks, unless `--skip-staging`. */
export function stagingCheckFor(
  plan: RolloutPlan,
  otherStagingStacks: readonly string[],
  skipped: boolean,
): StagingCheck | undefined {
  const inPlan = stagingWaves(plan).flatMap((wave) => wave.stages.map((stage) => stage.stack));
  const stacks = [...new Set([...inPlan, ...otherStagingStacks])];
  if (stacks.length === 0) return undefined;
  return { check: skipped ? "skipped" : "required", stacks };
}

/**
 * Why a production wave of `plan` may not start now: the journal shows no staging pass of the
 * same release and image digest younger than `maxAgeHours`. Undefined when it may (or when
 * the attempt asks nothing of staging). `underWay`: the release was already started, so the
 * way out is a rollback and a new attempt; before the start, a deploy to the staging stacks.
 */
export function untestedRelease(
  plan: RolloutPlan,
  staging: StagingCheck | undefined,
  passes: readonly StagingPass[],
  at: { readonly now: number; readonly maxAgeHours: number; readonly underWay: boolean },
): Extract<RunOutcome, { kind: "blocked" }> | undefined {
  if (staging?.check !== "required") return undefined;
  const requirement = {
    release: plan.release,
    imageDigest: plan.artifacts?.imageDigest,
    maxAgeHours: at.maxAgeHours,
    now: at.now,
  };
  const reason = stagingPassProblem(requirement, judgeStagingPass(requirement, passes));
  if (reason === undefined) return undefined;
  const next = {
    release: plan.release,
    stagingStacks: staging.stacks,
  };
  return {
    kind: "blocked",
    reason,
    next: at.underWay
      ? { kind: "roll-back-then-restage", ...next }
      : { kind: "deploy-to-staging-first", ...next },
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
