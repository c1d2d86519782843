import type { RollbackPhase } from "../journal/journal-events";
import { rollbackKey } from "../progress/release-progress";
import { allStages, type Stage } from "../plan/plan-types";
import { restored, rolledBackTraffic } from "../steps/deployment-transitions";
import { messageOf, withRetries } from "../support/retry";
import type { ExecutionContext } from "./execution-context";
import type { RunOutcome } from "./run-outcome";
import { applyStates } from "./step-runner";
import { baselineOf, gateTarget, runsRollout } from "./stage-view";
import { syncStacks } from "./stack-sync";
import { rollbackActions } from "./stop-the-line";

class RollbackPhaseError extends Error {}

const OUTCOME_OF_CAUSE = {
  failure: "rolled-back",
  rollback: "rolled-back",
  abort: "aborted",
  policy: "blocked",
} as const;

/**
 * Carries out the rollback recorded in the journal, phase by phase, skipping what is already
 * done. 1 traffic: abort each rolled-back Outpost's Argo Rollout, then flip it to its old,
 * still-warm color with the Rollout's image back on the stable version: no instance has to
 * launch. 2 restore: put the deployment config back as it was and scale the candidate down.
 * 3 release-config: stacks whose waves never started get their `release` back. 4 sync: an
 * untargeted `up` of every stack whose wave started, so its stack-wide resources match its
 * `release` again. Every phase is idempotent, so a crash in the middle is safe.
 */
export async function completeRollback(context: ExecutionContext): Promise<RunOutcome> {
  const progress = context.progress();
  const rollback = progress.rollback;
  if (rollback === undefined) throw new Error("no rollback in progress");
  const { log } = context.deps;
  const actions = rollbackActions(progress.plan, progress, rollback.stages);
  const stagesOf = (stack: string, outposts: readonly string[]): Stage[] =>
    allStages(progress.plan).filter((s) => s.stack === stack && outposts.includes(s.outpost));
  const attempts = context.deps.settings.rollbackAttempts ?? 3;
  const release = progress.plan.release;
  log.warn({ scope: rollback.scope, stages: rollback.stages }, `rolling back: ${rollback.reason}`);

  const runPhase = async (
    phase: RollbackPhase,
    todo: typeof actions,
    effect: (action: (typeof actions)[number]) => Promise<void>,
  ) => {
    const pending = todo.filter((a) => !progress.rollback?.done.has(rollbackKey(phase, a.stack)));
    const results = await Promise.allSettled(pending.map(effect));
    const errors: string[] = [];
    for (const [i, result] of results.entries()) {
      if (result.status === "fulfilled")
        await context.record({ type: "rollback-step-completed", phase, stack: pending[i].stack });
      else errors.push(`${pending[i].stack}: ${messageOf(result.reason)}`);
    }
    if (errors.length > 0)
      throw new RollbackPhaseError(`rollback ${phase} failed: ${errors.join("; ")}`);
  };

  try {
    const moved = actions.filter((a) => a.outposts.length > 0);
    await runPhase("traffic", moved, async (action) => {
      const stages = stagesOf(action.stack, action.outposts);
      // EKS first: an aborted Rollout sends all traffic back to its stable pods at once.
      const outputs = await withRetries(() => context.deps.engine.outputs(action.stack), {
        attempts,
        clock: context.deps.clock,
      });
      for (const stage of stages.filter((s) => runsRollout(outputs, s))) {
        const target = gateTarget(
          stage,
          baselineOf(progress, stage),
          outputs,
          release,
          "canary",
          context.deps.settings.awsRegions[stage.stack],
        );
        await withRetries(() => context.deps.rollouts.abort(target), {
          attempts,
          clock: context.deps.clock,
        });
      }
      // Then the listener flips back to the warm old color, and the Rollout's image goes back
      // to the stable version (the baseline's rolloutVersion), so Argo settles on stable.
      const applied = await applyStates(
        context,
        progress,
        stages,
        (baseline) => rolledBackTraffic(baseline, release),
        { attempts },
      );
      if (applied.failures.length > 0) throw new Error(applied.failures[0].reason);
    });
    await runPhase("restore", moved, async (action) => {
      const stages = stagesOf(action.stack, action.outposts);
      const baselineRelease = progress.baselines[action.stack]?.release;
      const applied = await applyStates(
        context,
        progress,
        stages,
        (baseline) => restored(baseline),
        {
          attempts,
          release:
            action.restoreRelease && baselineRelease !== undefined ? baselineRelease : release,
        },
      );
      if (applied.failures.length > 0) throw new Error(applied.failures[0].reason);
    });
    const untouched = actions.filter((a) => a.outposts.length === 0 && a.restoreRelease);
    await runPhase("release-config", untouched, async (action) => {
      const baselineRelease = progress.baselines[action.stack]?.release;
      if (baselineRelease === undefined) return;
      await withRetries(
        () => context.deps.engine.writeDriverConfig(action.stack, { release: baselineRelease }),
        {
          attempts,
          clock: context.deps.clock,
        },
      );
    });
    // The stack-wide resources follow each stack's `release` as it now stands.
    await runPhase(
      "sync",
      actions.filter((a) => a.sync),
      async (action) => {
        const releaseNow = action.restoreRelease
          ? (progress.baselines[action.stack]?.release ?? release)
          : release;
        const failures = await syncStacks(context, [action.stack], () => releaseNow, { attempts });
        if (failures.length > 0) throw new Error(failures[0].reason);
      },
    );
  } catch (err) {
    // Only engine failures make a rollback incomplete; anything else (the journal) is fatal.
    if (!(err instanceof RollbackPhaseError)) throw err;
    const reason = err.message;
    context.deps.onNotice?.({ kind: "rollback-incomplete", reason });
    await context.record({ type: "rollback-failed", reason });
    await context.record({ type: "release-finished", outcome: "rollback-incomplete", reason });
    return { kind: "rollback-incomplete", reason };
  }

  await context.record({ type: "rollback-completed" });
  return finishRolledBack(context);
}

/**
 * Ends a release whose rollback completed. Also what `resume` does after a crash between
 * `rollback-completed` and `release-finished`: the release must not carry on from there.
 */
export async function finishRolledBack(context: ExecutionContext): Promise<RunOutcome> {
  const rollback = context.progress().rollback;
  if (rollback === undefined || !rollback.completed) throw new Error("no completed rollback");
  const outcome = OUTCOME_OF_CAUSE[rollback.cause];
  await context.record({ type: "release-finished", outcome, reason: rollback.reason });
  return { kind: outcome, reason: rollback.reason };
}
