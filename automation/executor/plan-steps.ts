import {
  batchesOf,
  PRESTAGE_SPEC,
  PRESTAGE_STEP,
  type RolloutPlan,
  type Stage,
  type StepSpec,
  stagingWaves,
  SYNC_STACK_STEP,
  syncBatchOf,
  type Wave,
} from "../plan/plan-types";
import { alreadyOnRelease } from "../steps/deployment-transitions";
import type { ExecutionContext } from "./execution-context";
import type { GuardedStep, StepRun } from "./guarded-step";
import { syncStacks } from "./stack-sync";
import { baselineOf, batchSteps, stagesForStep } from "./stage-view";
import type { StageFailure } from "./step-effects";
import { runStepEffects } from "./step-runner";
import type { StepFailure } from "./stop-the-line";

// The steps of a plan as the template runs them (guarded-step.ts): where each runs, what holds
// it, what its failure rolls back, its stages and its work.

/**
 * Batch `index` of the prestage, before the first production wave: every production Outpost's
 * idle color gets the release and is scaled up (one config write and one targeted `up` per
 * stack and batch, stacks in parallel). No traffic moves, but it changes the fleet, so freeze
 * windows hold it as they hold a wave. No wave has started: an abort or a failure here rolls
 * back every pre-staged Outpost, and wave 0's Outposts with them (scope release). Batch 0
 * needs a fresh staging pass, unless the schedule runs it beside wave 0's test gates (before
 * any pass exists, by choice; the production waves still check).
 */
export function prestageStep(
  context: ExecutionContext,
  plan: RolloutPlan,
  index: number,
  batch: readonly Stage[],
): GuardedStep {
  const what = `${PRESTAGE_STEP} batch ${index}`;
  const besideTests =
    plan.schedule?.prestageBesideStagingTests === true &&
    plan.schedule.pipelineWaves &&
    stagingWaves(plan).length > 0;
  const stagingPass = index === 0 && !besideTests ? { stagingPass: { what } } : {};
  return {
    point: { wave: PRESTAGE_STEP, batch: index, step: PRESTAGE_STEP },
    boundary: { before: what, freeze: { what, paused: (reason) => reason }, ...stagingPass },
    at: undefined,
    scope: "release",
    stages: (progress) =>
      batch.filter(
        (stage) => !alreadyOnRelease(baselineOf(progress, stage), progress.plan.release),
      ),
    run: planStepRun(context, PRESTAGE_SPEC),
  };
}

/** The steps of a wave: each batch's steps in canonical order, then `sync-stack`. */
export function waveSteps(context: ExecutionContext, plan: RolloutPlan, wave: Wave): GuardedStep[] {
  const batches = [...batchesOf(wave).entries()].flatMap(([index, batch]) =>
    batchSteps(plan, batch).map((spec) => batchStep(context, plan, wave, index, batch, spec)),
  );
  return [...batches, syncStep(context, plan, wave)];
}

/** Step `spec` of batch `index` of `wave`, for the stages of the batch that have it to do. */
function batchStep(
  context: ExecutionContext,
  plan: RolloutPlan,
  wave: Wave,
  index: number,
  batch: readonly Stage[],
  spec: StepSpec,
): GuardedStep {
  return {
    point: { wave: wave.name, batch: index, step: spec.id },
    boundary: { before: `${spec.id} of ${wave.name} batch ${index}` },
    at: { wave: wave.name, batch: index },
    scope: plan.rollbackScope,
    stages: (progress) => stagesForStep(progress.plan, progress, batch, spec),
    run: planStepRun(context, spec),
  };
}

/** `sync-stack` after the wave's last batch: the stack-wide resources follow the release. */
function syncStep(context: ExecutionContext, plan: RolloutPlan, wave: Wave): GuardedStep {
  const at = { wave: wave.name, batch: syncBatchOf(wave) };
  return {
    point: { ...at, step: SYNC_STACK_STEP },
    boundary: { before: `${SYNC_STACK_STEP} of ${wave.name}` },
    at,
    scope: plan.rollbackScope,
    stages: () => [],
    run: async (progress) => {
      // An untargeted `up` is never interrupted: it runs to the end once started.
      const release = progress.plan.release;
      const failures = await syncStacks(context, wave.syncStacks, () => release);
      const empty = { failures: [], observed: [], evaluations: [] };
      if (failures.length === 0) return empty;
      const reason = `${SYNC_STACK_STEP} of ${wave.name} failed: ${failures.map((f) => f.reason).join("; ")}`;
      const repair = failures.filter((f) => f.needsRepair).map((f) => f.stack);
      return { ...empty, failure: { reason, repair } };
    },
  };
}

/** A step of the plan: its effects on the batch's stages (step-runner.ts). */
function planStepRun(context: ExecutionContext, spec: StepSpec): StepRun {
  return async (progress, _point, stages, signal) => {
    const effects = await runStepEffects(context, progress, stages, spec, signal);
    return { ...effects, failure: stepFailureOf(spec.id, effects.failures) };
  };
}

/**
 * Why a step failed when stages failed in it: the first that needs a repair (its stack holds
 * pending operations), else the first; and every stack that needs a repair.
 */
function stepFailureOf(step: string, failures: readonly StageFailure[]): StepFailure | undefined {
  if (failures.length === 0) return undefined;
  const repair = [...new Set(failures.filter((f) => f.needsRepair).map((f) => f.stage.stack))];
  const first = failures.find((f) => f.needsRepair) ?? failures[0];
  return { reason: `${first.stage.id} failed at ${step}: ${first.reason}`, repair };
}
