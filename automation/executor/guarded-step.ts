import { type ReleaseProgress, stepKey } from "../progress/release-progress";
import type { RollbackScope, Stage } from "../plan/plan-types";
import type { ExecutionContext } from "./execution-context";
import type { NodeEnd } from "./graph-runner";
import { type Boundary, checkBoundary, type Halt } from "./step-guards";
import type { StepEffects } from "./step-effects";
import { type FailurePoint, lineStopFor, type StepFailure, type StepPoint } from "./stop-the-line";

/** What a step did: its effects, journaled by the template, and why it failed (if it did). */
export interface StepResult extends StepEffects {
  readonly failure?: StepFailure;
}

/**
 * A step's work, from the progress at its start, where it runs and the stages it works on. It
 * changes the fleet and reports what happened; it journals nothing itself.
 */
export type StepRun = (
  progress: ReleaseProgress,
  point: StepPoint,
  stages: readonly Stage[],
  signal: AbortSignal,
) => Promise<StepResult>;

/** One step of the release as the template runs it (built by plan-steps.ts). */
export interface GuardedStep {
  readonly point: StepPoint;
  /** What it waits behind at its boundary, besides operators' requests (a freeze window). */
  readonly boundary: Omit<Boundary, "at">;
  /** Where the line stops for a request at its boundary or its own failure. */
  readonly at: FailurePoint | undefined;
  /** What its failure rolls back. */
  readonly scope: RollbackScope;
  /** The stages it works on, from the progress at its start (recorded in `step-started`). */
  readonly stages: (progress: ReleaseProgress) => readonly Stage[];
  readonly run: StepRun;
}

/**
 * How a step ended: done (completed, or already in the journal as completed); held at its
 * boundary (the outcome is journaled); the line must stop (its failure, or an operator's
 * request), which the caller carries out once nothing else runs; or interrupted, because
 * another step stopped the line while it ran (not completed: the rollback covers it).
 */
export type StepEnd = NodeEnd;

/** How a step (or a wave's start) ends when its boundary halts it. */
export function haltedStep(halt: Halt): StepEnd {
  return halt.stop ? { kind: "stop", stop: halt.stop } : { kind: "held", outcome: halt.held };
}

/**
 * The one way every step runs: skipped once the journal has it completed; then its boundary
 * (operators' requests, freeze windows); `step-started`; its run; what the run observed, how
 * its gates ended and which stages failed; then `step-completed`, or the line must stop.
 * `signal` interrupts the run (its gates; an engine update in progress is let finish).
 */
export async function runGuarded(
  context: ExecutionContext,
  step: GuardedStep,
  signal: AbortSignal = new AbortController().signal,
): Promise<StepEnd> {
  const { point } = step;
  if (context.progress().completedSteps.has(stepKey(point.wave, point.batch, point.step)))
    return { kind: "done" };
  const halt = await checkBoundary(context, { ...step.boundary, at: step.at });
  if (halt) return haltedStep(halt);
  if (signal.aborted) return { kind: "interrupted" };
  const progress = context.progress();
  const stages = step.stages(progress);
  const ids = stages.map((s) => s.id);
  await context.record({ type: "step-started", ...point, stages: ids });
  const result = await step.run(progress, point, stages, signal);
  if (signal.aborted) {
    // Its failures are the interruption's, not the release's: only what it observed counts.
    await recordResult(context, point, { ...result, failures: [] });
    return { kind: "interrupted" };
  }
  await recordResult(context, point, result);
  if (result.failure)
    return { kind: "stop", stop: lineStopFor(result.failure, point, step.scope, step.at) };
  await context.record({ type: "step-completed", ...point, stages: ids });
  return { kind: "done" };
}

/** A step's effects in the journal, in order: outputs observed, gates evaluated, stages failed. */
async function recordResult(
  context: ExecutionContext,
  point: StepPoint,
  result: StepResult,
): Promise<void> {
  const { wave, batch, step } = point;
  for (const { stage, outputs } of result.observed) {
    await context.record({
      type: "stage-observed",
      ...point,
      stage: stage.id,
      activeColor: outputs.activeColor,
      candidateWeight: outputs.candidateWeight,
      versions: outputs.versions,
      weights: outputs.weights,
      rolloutVersion: outputs.rollout?.version ?? null,
    });
  }
  for (const { stage, gates } of result.evaluations) {
    await context.record({ type: "gate-evaluated", ...point, stage: stage.id, gates });
  }
  for (const failure of result.failures) {
    const { reason } = failure;
    await context.record({
      type: "stage-failed",
      wave,
      batch,
      stage: failure.stage.id,
      step,
      reason,
    });
  }
}
