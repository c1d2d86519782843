import type { DriverConfig } from "../engine/engine-port";
import { replay, stepKey } from "../progress/release-progress";
import { type StagingPass, stagingPasses } from "../progress/staging-record";
import {
  PRESTAGE_STEP,
  prestageBatches,
  type RolloutPlan,
  stacksOf,
  stagingWaves,
} from "../plan/plan-types";
import { activeFreezeWindow, describeFreezeWindow } from "../settings/freeze-windows";
import { ExecutionContext, type ExecutorDeps } from "./execution-context";
import { runGraph } from "./graph-runner";
import { type GuardedStep, haltedStep, runGuarded, type StepEnd } from "./guarded-step";
import { stopLine } from "./line-stop";
import { prestageStep, waveSteps } from "./plan-steps";
import { preflight } from "./preflight";
import {
  baselineProblem,
  finishedOutcome,
  stagingCheckFor,
  untestedRelease,
  withInitialStates,
} from "./release-checks";
import { finalizeRelease } from "./release-finalize";
import { RefusedError } from "./release-refusal";
import { completeRollback, finishRolledBack } from "./rollback-runner";
import type { RunOutcome } from "./run-outcome";
import { type ReleaseNode, releaseGraph } from "./release-graph";
import { checkBoundary, passBoundary } from "./step-guards";
import { stagingPassMaxAgeHours } from "./staging-pass-guard";

/**
 * Runs a rollout plan against the engine and the gates, recording every step in the journal
 * before and after it happens. The journal is the only state: `resume` after a crash replays
 * it and continues with every step not recorded as completed. Steps ask for absolute target
 * states (computed from the baselines in the journal), so repeating a step is harmless. Every
 * step goes through one template (guarded-step.ts); the plan's release graph (release-graph.ts)
 * says which may run side by side; this class runs it, then stops the line or finalizes.
 */
export class RolloutExecutor {
  private readonly context: ExecutionContext;

  constructor(private readonly deps: ExecutorDeps) {
    this.context = new ExecutionContext(deps);
  }

  /**
   * Starts `plan`: checks the freeze windows and baselines, records them, then runs. A plan of
   * production stacks only is refused unless the journal shows a fresh staging pass of the same
   * release and image digest (staging-pass-check.ts) on `options.stagingStacks` (the fleet's
   * staging stacks of that target that the plan leaves out; CI deploys them first, in the
   * pipeline's Test stage). `passesElsewhere`: passes in other releases' journals, only to name
   * the latest one. `skipStaging` (recorded in `release-started.staging`) asks for no pass.
   * Each production wave checks the pass again at its start (staging-pass-guard.ts).
   */
  async start(
    plan: RolloutPlan,
    command: string,
    options: {
      readonly stagingStacks?: readonly string[];
      readonly skipStaging?: boolean;
      readonly passesElsewhere?: () => Promise<readonly StagingPass[]>;
    } = {},
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
    const staging = stagingCheckFor(
      plan,
      options.stagingStacks ?? [],
      options.skipStaging === true,
    );
    // Refused before anything is recorded; a plan with wave 0 earns its pass on the way.
    if (stagingWaves(plan).length === 0 && staging?.check === "required") {
      const elsewhere = (await options.passesElsewhere?.()) ?? [];
      const untested = untestedRelease(plan, staging, [...stagingPasses(events), ...elsewhere], {
        now: this.deps.clock.now(),
        maxAgeHours: stagingPassMaxAgeHours(this.deps.settings),
        underWay: false,
      });
      if (untested) return untested;
    }

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
      ...(staging ? { staging } : {}),
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
    if (progress.deployedAt === undefined) {
      const steps = guardedSteps(this.context, progress.plan);
      const ended = await runGraph(releaseGraph(progress.plan), (node, signal) =>
        this.runNode(node, steps, signal),
      );
      if (ended.kind === "stop") return stopLine(this.context, ended.stop);
      if (ended.kind === "held") return ended.outcome;
      await this.context.record({ type: "release-deployed" });
    }
    return finalizeRelease(this.context);
  }

  /** One node of the release graph: a wave's boundary or end, or a step through the template. */
  private async runNode(
    node: ReleaseNode,
    steps: ReadonlyMap<string, GuardedStep>,
    signal: AbortSignal,
  ): Promise<StepEnd> {
    const { work } = node;
    if (work.kind === "wave-start") return this.startWave(work.wave, signal);
    if (work.kind === "wave-end") {
      if (!this.context.progress().completedWaves.has(work.wave))
        await this.context.record({ type: "wave-completed", wave: work.wave });
      return { kind: "done" };
    }
    const point =
      work.kind === "prestage"
        ? { wave: PRESTAGE_STEP, batch: work.batch, step: PRESTAGE_STEP }
        : work;
    const step = steps.get(stepKey(point.wave, point.batch, point.step));
    if (step === undefined) throw new Error(`release graph names an unknown step ${node.id}`);
    return runGuarded(this.context, step, signal);
  }

  /**
   * Once, before a wave starts: the operators' requests, freeze windows, its approval and, for
   * a production wave, a fresh staging pass (checked after the approval, which may take long).
   * A wait for approval ends, interrupted, when another step stops the line.
   */
  private async startWave(wave: string, signal: AbortSignal): Promise<StepEnd> {
    const progress = this.context.progress();
    if (progress.completedWaves.has(wave) || progress.startedWaves.has(wave))
      return { kind: "done" };
    const what = `wave ${wave}`;
    const production = !stagingWaves(progress.plan).some((w) => w.name === wave);
    const boundary = {
      before: what,
      at: { wave, batch: 0 },
      freeze: { what, paused: (reason: string) => `${what} (${reason})` },
      approval: wave,
      ...(production ? { stagingPass: { what } } : {}),
    };
    let halt;
    try {
      halt = await checkBoundary(this.context, boundary, signal);
    } catch (err) {
      if (signal.aborted) return { kind: "interrupted" };
      throw err;
    }
    if (halt) return haltedStep(halt);
    await this.context.record({ type: "wave-started", wave });
    return { kind: "done" };
  }
}

/** Every step of the plan as the template runs it, by its journal key. */
function guardedSteps(context: ExecutionContext, plan: RolloutPlan): Map<string, GuardedStep> {
  const steps = [
    ...prestageBatches(plan).map((batch, index) => prestageStep(context, plan, index, batch)),
    ...plan.waves.flatMap((wave) => waveSteps(context, plan, wave)),
  ];
  return new Map(
    steps.map((step) => [stepKey(step.point.wave, step.point.batch, step.point.step), step]),
  );
}
