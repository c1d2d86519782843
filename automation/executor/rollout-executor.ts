import type { DriverConfig } from "../engine/engine-port";
import { replay } from "../progress/release-progress";
import {
  prestageBatches,
  productionWaves,
  type RolloutPlan,
  stacksOf,
  stagingWaves,
  type Wave,
} from "../plan/plan-types";
import { activeFreezeWindow, describeFreezeWindow } from "../settings/freeze-windows";
import { ExecutionContext, type ExecutorDeps } from "./execution-context";
import { runGuarded } from "./guarded-step";
import { prestageStep, waveSteps } from "./plan-steps";
import { preflight } from "./preflight";
import {
  baselineProblem,
  finishedOutcome,
  untestedRelease,
  withInitialStates,
} from "./release-checks";
import { finalizeRelease } from "./release-finalize";
import { RefusedError } from "./release-refusal";
import { completeRollback, finishRolledBack } from "./rollback-runner";
import type { RunOutcome } from "./run-outcome";
import { passBoundary } from "./step-guards";

/**
 * Runs a rollout plan against the engine and the gates, recording every step in the journal
 * before and after it happens. The journal is the only state: `resume` after a crash replays
 * it and continues at the first step not recorded as completed. Steps ask for absolute target
 * states (computed from the baselines in the journal), so repeating a step is harmless. Every
 * step goes through one template (guarded-step.ts); this class only orders them.
 */
export class RolloutExecutor {
  private readonly context: ExecutionContext;

  constructor(private readonly deps: ExecutorDeps) {
    this.context = new ExecutionContext(deps);
  }

  /**
   * Starts `plan`: checks the freeze windows and baselines, records them, then runs. A plan of
   * production stacks only is refused while `options.stagingStacks` (the fleet's staging stacks
   * of that target) have not passed wave 0 with this release (CI deploys them first, in the
   * pipeline's Test stage).
   */
  async start(
    plan: RolloutPlan,
    command: string,
    options: { readonly stagingStacks?: readonly string[] } = {},
  ): Promise<RunOutcome> {
    const { events } = await this.deps.journal.read();
    const previous = replay(events);
    if (previous !== undefined && previous.finished === undefined) {
      throw new RefusedError({
        kind: "in-progress",
        release: plan.release,
        startedBy: previous.startedBy.user,
        startedAt: previous.startedAt,
      });
    }
    const frozen = activeFreezeWindow(this.deps.settings.freezeWindows, this.deps.clock.now());
    if (frozen)
      return { kind: "blocked", reason: `inside freeze window ${describeFreezeWindow(frozen)}` };
    const untested = untestedRelease(plan, options.stagingStacks ?? [], events);
    if (untested) return untested;

    const baselines = withInitialStates(plan, await this.readBaselines(plan));
    const problem = baselineProblem(plan, baselines);
    if (problem) return { kind: "blocked", reason: problem };

    await this.context.record({
      type: "release-started",
      attempt: (previous?.attempt ?? 0) + 1,
      plan,
      baselines,
      by: this.deps.actor,
      command,
    });
    return this.drive();
  }

  /** Continues the release recorded in the journal. */
  async resume(): Promise<RunOutcome> {
    const progress = replay((await this.deps.journal.read()).events);
    if (progress === undefined) throw new RefusedError({ kind: "nothing-to-resume" });
    if (progress.finished && progress.finished.outcome !== "rollback-incomplete") {
      const { release, finished } = progress;
      throw new RefusedError({ kind: "finished", release, outcome: finished.outcome });
    }
    // A resumed driver may run on another machine, whose stack files are behind the fleet.
    for (const stack of stacksOf(progress.plan)) await this.deps.engine.prepareStack(stack);
    await this.context.record({ type: "resumed", by: this.deps.actor });
    return this.drive();
  }

  private async readBaselines(plan: RolloutPlan): Promise<Record<string, DriverConfig>> {
    const baselines: Record<string, DriverConfig> = {};
    for (const stack of stacksOf(plan)) {
      await this.deps.engine.prepareStack(stack);
      baselines[stack] = await this.deps.engine.readDriverConfig(stack);
    }
    return baselines;
  }

  private async drive(): Promise<RunOutcome> {
    const progress = await this.context.refresh();
    if (progress.finished) return finishedOutcome(progress);
    if (progress.rollback && !progress.rollback.completed) return completeRollback(this.context);
    // Killed after the rollback completed, before the release was marked finished.
    if (progress.rollback?.completed && !progress.pending.rollback)
      return finishRolledBack(this.context);
    const requested = await passBoundary(this.context, { before: "the next step", at: undefined });
    if (requested) return requested;

    const blocked = await preflight(this.context, progress);
    if (blocked) return blocked;
    // Wave 0 first: no production Outpost changes (the prestage included) until staging passed.
    for (const wave of stagingWaves(progress.plan)) {
      const stopped = await this.runWave(wave);
      if (stopped) return stopped;
    }
    for (const [index, batch] of prestageBatches(progress.plan).entries()) {
      const stopped = await runGuarded(this.context, prestageStep(this.context, index, batch));
      if (stopped) return stopped;
    }
    for (const wave of productionWaves(progress.plan)) {
      const stopped = await this.runWave(wave);
      if (stopped) return stopped;
    }
    return finalizeRelease(this.context);
  }

  /**
   * A wave: once, before it starts, the operators' requests, freeze windows and its approval;
   * then its steps, batch by batch, and `sync-stack`.
   */
  private async runWave(wave: Wave): Promise<RunOutcome | undefined> {
    const progress = this.context.progress();
    if (progress.completedWaves.has(wave.name)) return undefined;
    if (!progress.startedWaves.has(wave.name)) {
      const what = `wave ${wave.name}`;
      const held = await passBoundary(this.context, {
        before: what,
        at: { wave: wave.name, batch: 0 },
        freeze: { what, paused: (reason) => `${what} (${reason})` },
        approval: wave.name,
      });
      if (held) return held;
      await this.context.record({ type: "wave-started", wave: wave.name });
    }
    for (const step of waveSteps(this.context, progress.plan, wave)) {
      const stopped = await runGuarded(this.context, step);
      if (stopped) return stopped;
    }
    await this.context.record({ type: "wave-completed", wave: wave.name });
    return undefined;
  }
}
