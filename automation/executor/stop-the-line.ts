import type { RollbackCause } from "../journal/journal-events";
import { type ReleaseProgress, stepKey } from "../progress/release-progress";
import {
  allStages,
  batchesOf,
  type RollbackScope,
  type RolloutPlan,
  syncBatchOf,
  SYNC_STACK_STEP,
} from "../plan/plan-types";
import { batchSteps } from "./stage-view";

export interface FailurePoint {
  readonly wave: string;
  readonly batch: number;
}

/** Where a step runs, as the journal names it: its wave (or the prestage), batch and id. */
export interface StepPoint extends FailurePoint {
  readonly step: string;
}

/** Why a step failed, and the stacks (if any) that need a repair before anything else. */
export interface StepFailure {
  readonly reason: string;
  readonly repair: readonly string[];
}

/** How the line stops: rolled back by a scope, or held for a repair of pending operations. */
export type LineStop =
  | {
      readonly kind: "roll-back";
      readonly cause: RollbackCause;
      readonly scope: RollbackScope;
      /** The failing batch; undefined before any wave moved (the scope then covers all). */
      readonly at: FailurePoint | undefined;
      readonly reason: string;
    }
  | {
      readonly kind: "repair";
      readonly reason: string;
      readonly stacks: readonly string[];
      /** The pause the journal records: the step that runs again after the repair. */
      readonly before: string;
    };

/**
 * How a failed step stops the line. Pending operations first: nothing can change those stacks
 * safely, a rollback included, until an operator has checked the provider and repaired them;
 * `resume` then runs the step again (it asks for the same state). Otherwise the release's
 * policy rolls back `scope` from `at`. Pure.
 */
export function lineStopFor(
  failure: StepFailure,
  point: StepPoint,
  scope: RollbackScope,
  at: FailurePoint | undefined,
): LineStop {
  if (failure.repair.length === 0)
    return { kind: "roll-back", cause: "failure", scope, at, reason: failure.reason };
  const stacks = failure.repair.join(", ");
  return {
    kind: "repair",
    reason: failure.reason,
    stacks: failure.repair,
    before: `${point.step} of ${point.wave} batch ${point.batch} (pending operations on ${stacks})`,
  };
}

/**
 * Which stages a rollback covers. Pure.
 * - stage: the failing batch (the failed stage and the ones moving with it);
 * - wave: every stage the release moved in the failing wave;
 * - release: every stage the release moved, in every wave.
 * Stages never moved need nothing; waves after the failure never start. Stages that were
 * only pre-staged (idle color up, no step of their own started, no traffic) go back to their
 * baseline whatever the scope: the release stops, so they will never take it.
 */
export function stagesToRollBack(
  plan: RolloutPlan,
  progress: Pick<ReleaseProgress, "movedStages" | "engagedStages">,
  scope: RollbackScope,
  failure: FailurePoint | undefined,
  inFlight: readonly FailurePoint[] = [],
): string[] {
  const moved = (id: string) => progress.movedStages.has(id);
  const stages = allStages(plan);
  // The scope covers the failing batch and every batch still in flight beside it (waves in a
  // pipeline): one failure stops the whole line, the other wave's batch included.
  const points = [failure, ...inFlight];
  const inScope = stages.filter((stage) =>
    points.some((point) => {
      if (scope === "release" || point === undefined) return true;
      const inWave = plan.waves.find((w) => w.name === point.wave)?.stages.includes(stage);
      if (scope === "wave") return inWave ?? false;
      return stage.batch === point.batch && inWave === true;
    }),
  );
  const onlyPrestaged = (id: string) => moved(id) && !progress.engagedStages.has(id);
  return stages
    .filter((stage) => inScope.includes(stage) || onlyPrestaged(stage.id))
    .map((stage) => stage.id)
    .filter(moved);
}

/**
 * The batches in flight: a step started and the batch not ended (some step of it, or its
 * wave's `sync-stack`, not completed), in waves that started and have not completed. Pure.
 */
export function batchesInFlight(
  plan: RolloutPlan,
  progress: Pick<
    ReleaseProgress,
    "startedWaves" | "completedWaves" | "startedSteps" | "completedSteps"
  >,
): FailurePoint[] {
  return plan.waves
    .filter(
      (wave) => progress.startedWaves.has(wave.name) && !progress.completedWaves.has(wave.name),
    )
    .flatMap((wave) => {
      const steps = batchesOf(wave).map((batch, index) => ({
        batch: index,
        ids: batchSteps(plan, batch).map((spec) => spec.id),
      }));
      steps.push({ batch: syncBatchOf(wave), ids: [SYNC_STACK_STEP] });
      return steps
        .filter(({ batch, ids }) => {
          const key = (id: string) => stepKey(wave.name, batch, id);
          return (
            ids.some((id) => progress.startedSteps.has(key(id))) &&
            ids.some((id) => !progress.completedSteps.has(key(id)))
          );
        })
        .map(({ batch }) => ({ wave: wave.name, batch }));
    });
}

/** What the rollback does to one stack. */
export interface RollbackAction {
  readonly stack: string;
  /** Outposts whose deployment state goes back to the baseline. */
  readonly outposts: string[];
  /** The stack's `release` goes back too: no stage of it keeps the new release. */
  readonly restoreRelease: boolean;
  /**
   * An untargeted `up` at the end, so the stack-wide resources match the stack's `release`
   * again: needed once the stack's wave started (a later `sync-stack` may have moved them, or
   * may be missing); a stack whose wave never started had them untouched.
   */
  readonly sync: boolean;
}

/** Per stack, what the rollback of `rollbackStages` does. Pure. */
export function rollbackActions(
  plan: RolloutPlan,
  progress: Pick<ReleaseProgress, "movedStages" | "startedWaves">,
  rollbackStages: readonly string[],
): RollbackAction[] {
  const stacks = [...new Set(allStages(plan).map((s) => s.stack))];
  return stacks.map((stack) => {
    const ofStack = allStages(plan).filter((s) => s.stack === stack);
    const outposts = ofStack.filter((s) => rollbackStages.includes(s.id)).map((s) => s.outpost);
    const keeps = ofStack.some(
      (s) => progress.movedStages.has(s.id) && !rollbackStages.includes(s.id),
    );
    const sync = plan.waves.some(
      (wave) => wave.syncStacks.includes(stack) && progress.startedWaves.has(wave.name),
    );
    return { stack, outposts, restoreRelease: !keeps, sync };
  });
}
