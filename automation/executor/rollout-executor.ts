import type { DriverConfig, PolicyViolation } from "../engine/engine-port";
import type { JournalEvent, RollbackCause } from "../journal/journal-events";
import { type ReleaseProgress, replay, stepKey } from "../progress/release-progress";
import { passedStaging } from "../progress/staging-record";
import {
  allStages,
  batchesOf,
  PRESTAGE_SPEC,
  PRESTAGE_STEP,
  prestageBatches,
  productionWaves,
  type RollbackScope,
  type RolloutPlan,
  stacksOf,
  type Stage,
  stagingWaves,
  type StepSpec,
  SYNC_STACK_STEP,
  syncBatchOf,
  type Wave,
} from "../plan/plan-types";
import { activeFreezeWindow, describeFreezeWindow } from "../settings/freeze-windows";
import {
  alreadyOnRelease,
  finalized,
  initialDeploymentState,
  isSettled,
} from "../steps/deployment-transitions";
import { messageOf } from "../support/retry";
import { ExecutionContext, type ExecutorDeps } from "./execution-context";
import { RefusedError } from "./release-refusal";
import { completeRollback, finishRolledBack } from "./rollback-runner";
import type { RunOutcome } from "./run-outcome";
import { applyStates, runStepEffects } from "./step-runner";
import { syncStacks } from "./stack-sync";
import { batchSteps, baselineOf, stagesForStep } from "./stage-view";
import { type FailurePoint, stagesToRollBack } from "./stop-the-line";

/**
 * Runs a rollout plan against the engine and the gates, recording every step in the journal
 * before and after it happens. The journal is the only state: `resume` after a crash replays
 * it and continues at the first step not recorded as completed. Steps ask for absolute target
 * states (computed from the baselines in the journal), so repeating a step is harmless.
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
    const requested = await this.checkControl("the next step", undefined);
    if (requested) return requested;

    const blocked = await this.preflight(progress);
    if (blocked) return blocked;
    // Wave 0 first: no production Outpost changes (the prestage included) until staging passed.
    for (const wave of stagingWaves(progress.plan)) {
      const stopped = await this.runWave(wave);
      if (stopped) return stopped;
    }
    const notStaged = await this.prestage();
    if (notStaged) return notStaged;
    for (const wave of productionWaves(progress.plan)) {
      const stopped = await this.runWave(wave);
      if (stopped) return stopped;
    }
    return this.finalize();
  }

  /**
   * Sets the release on every stack and previews it with the policy packs. The stacks' previews
   * run at once (each is its own engine process, and each type-checks the packs); their results
   * are then taken in plan order, so the journal and the first refusal read as before.
   */
  private async preflight(progress: ReleaseProgress): Promise<RunOutcome | undefined> {
    const pending = stacksOf(progress.plan).filter((s) => !progress.preflightPassed.has(s));
    if (pending.length === 0) return undefined;
    const stopped = await this.checkControl(`preflight of ${pending.join(", ")}`, undefined);
    if (stopped) return stopped;
    const previews = await Promise.all(
      pending.map((stack) =>
        this.previewWithPolicies(stack, progress).then(
          (violations) => ({ stack, violations, error: undefined }),
          (error: unknown) => ({ stack, violations: [], error }),
        ),
      ),
    );
    for (const { stack, violations, error } of previews) {
      if (error !== undefined) {
        return this.stopTheLine(
          "failure",
          "release",
          undefined,
          `preview of ${stack} failed: ${messageOf(error)}`,
        );
      }
      if (violations.length > 0) {
        await this.context.record({ type: "preflight-blocked", stack, violations });
        const reason = `policy ${violations[0].policyPack}/${violations[0].policy} on ${stack}: ${violations[0].message}`;
        return this.stopTheLine(
          "policy",
          "release",
          undefined,
          `mandatory policy violation: ${reason}`,
        );
      }
      await this.context.record({ type: "preflight-passed", stack });
    }
    return undefined;
  }

  /** One stack's release written and previewed with the packs: its mandatory violations. */
  private async previewWithPolicies(
    stack: string,
    progress: ReleaseProgress,
  ): Promise<PolicyViolation[]> {
    const { engine, settings } = this.deps;
    await engine.writeDriverConfig(stack, { release: progress.plan.release });
    // Policy config only means something to a policy pack.
    const releaseConfig =
      settings.policyPacks.length === 0
        ? undefined
        : await this.deps.releasePolicyConfig?.(
            stack,
            progress.plan.release,
            progress.baselines[stack]?.release,
          );
    const preview = await engine.preview(stack, {
      policyPacks: settings.policyPacks,
      policyPackConfigs: [...settings.policyPackConfigs, ...(releaseConfig ? [releaseConfig] : [])],
    });
    return preview.violations.filter((v) => v.enforcement === "mandatory");
  }

  /**
   * Before the first production wave (after wave 0): every production Outpost's idle color
   * gets the release and is scaled up, batch by batch (one config write and one targeted `up`
   * per stack and batch, stacks in parallel). No traffic moves. A failure stops the line before
   * any production wave: the rollback puts every pre-staged Outpost back to its baseline
   * (nothing was flipped), and wave 0's Outposts with them (scope release).
   */
  private async prestage(): Promise<RunOutcome | undefined> {
    let progress = this.context.progress();
    for (const [index, batch] of prestageBatches(progress.plan).entries()) {
      progress = this.context.progress();
      if (progress.completedSteps.has(stepKey(PRESTAGE_STEP, index, PRESTAGE_STEP))) continue;
      const point = { wave: PRESTAGE_STEP, batch: index };
      // No wave has started: a rollback or an abort here covers every pre-staged Outpost.
      const stopped = await this.checkControl(`${PRESTAGE_STEP} batch ${index}`, undefined);
      if (stopped) return stopped;
      // It moves no traffic, but it changes the fleet: held by freeze windows as a wave is.
      const what = `${PRESTAGE_STEP} batch ${index}`;
      const frozen = await this.holdInFreezeWindow(what, (reason) => reason);
      if (frozen) return frozen;
      const stages = batch.filter(
        (stage) => !alreadyOnRelease(baselineOf(progress, stage), progress.plan.release),
      );
      const failure = await this.runStep(progress, point, stages, PRESTAGE_SPEC);
      if (failure?.repair.length) return this.stopForRepair(failure, PRESTAGE_STEP, point);
      if (failure) return this.stopTheLine("failure", "release", undefined, failure.reason);
    }
    return undefined;
  }

  /**
   * Inside a freeze window, `what` does not start: the driver records a pause (`before`, from the
   * reason) and stops, blocked, until resumed after the window.
   */
  private async holdInFreezeWindow(
    what: string,
    before: (reason: string) => string,
  ): Promise<RunOutcome | undefined> {
    const frozen = activeFreezeWindow(this.deps.settings.freezeWindows, this.deps.clock.now());
    if (!frozen) return undefined;
    const reason = `${what} is inside freeze window ${describeFreezeWindow(frozen)}`;
    await this.context.record({ type: "paused", before: before(reason) });
    return { kind: "blocked", reason, next: { kind: "resume-after-freeze", window: frozen.name } };
  }

  private async runWave(wave: Wave): Promise<RunOutcome | undefined> {
    let progress = this.context.progress();
    if (progress.completedWaves.has(wave.name)) return undefined;
    if (!progress.startedWaves.has(wave.name)) {
      const stopped = await this.checkControl(`wave ${wave.name}`, { wave: wave.name, batch: 0 });
      if (stopped) return stopped;
      const what = `wave ${wave.name}`;
      const frozen = await this.holdInFreezeWindow(what, (reason) => `${what} (${reason})`);
      if (frozen) return frozen;
      const unapproved = await this.approve(wave.name);
      if (unapproved) return unapproved;
      await this.context.record({ type: "wave-started", wave: wave.name });
    }
    for (const [index, batch] of batchesOf(wave).entries()) {
      for (const step of batchSteps(progress.plan, batch)) {
        progress = this.context.progress();
        if (progress.completedSteps.has(stepKey(wave.name, index, step.id))) continue;
        const point = { wave: wave.name, batch: index };
        const stopped = await this.checkControl(`${step.id} of ${wave.name} batch ${index}`, point);
        if (stopped) return stopped;
        const stages = stagesForStep(progress.plan, progress, batch, step);
        const failure = await this.runStep(progress, point, stages, step);
        if (failure?.repair.length) return this.stopForRepair(failure, step.id, point);
        if (failure)
          return this.stopTheLine("failure", progress.plan.rollbackScope, point, failure.reason);
      }
    }
    const unsynced = await this.syncWave(wave);
    if (unsynced) return unsynced;
    await this.context.record({ type: "wave-completed", wave: wave.name });
    return undefined;
  }

  /** `sync-stack` after the wave's last batch: the stack-wide resources follow the release. */
  private async syncWave(wave: Wave): Promise<RunOutcome | undefined> {
    const point = { wave: wave.name, batch: syncBatchOf(wave) };
    if (
      this.context.progress().completedSteps.has(stepKey(point.wave, point.batch, SYNC_STACK_STEP))
    )
      return undefined;
    const stopped = await this.checkControl(`${SYNC_STACK_STEP} of ${wave.name}`, point);
    if (stopped) return stopped;
    const step = { ...point, step: SYNC_STACK_STEP, stages: [] };
    await this.context.record({ type: "step-started", ...step });
    const release = this.context.progress().plan.release;
    const failures = await syncStacks(this.context, wave.syncStacks, () => release);
    if (failures.length > 0) {
      const repair = failures.filter((f) => f.needsRepair).map((f) => f.stack);
      const reason = `${SYNC_STACK_STEP} of ${wave.name} failed: ${failures.map((f) => f.reason).join("; ")}`;
      if (repair.length > 0) return this.stopForRepair({ reason, repair }, SYNC_STACK_STEP, point);
      return this.stopTheLine("failure", this.context.progress().plan.rollbackScope, point, reason);
    }
    await this.context.record({ type: "step-completed", ...step });
    return undefined;
  }

  /** Runs `step` for the `stages` that have work to do; returns a failure when a stage failed. */
  private async runStep(
    progress: ReleaseProgress,
    point: FailurePoint,
    stages: readonly Stage[],
    step: StepSpec,
  ): Promise<StepFailure | undefined> {
    await this.context.record({
      type: "step-started",
      ...point,
      step: step.id,
      stages: stages.map((s) => s.id),
    });
    const { failures, observed, evaluations } = await runStepEffects(
      this.context,
      progress,
      stages,
      step,
    );
    for (const { stage, outputs } of observed) {
      await this.context.record({
        type: "stage-observed",
        ...point,
        step: step.id,
        stage: stage.id,
        activeColor: outputs.activeColor,
        candidateWeight: outputs.candidateWeight,
        versions: outputs.versions,
        weights: outputs.weights,
        rolloutVersion: outputs.rollout?.version ?? null,
      });
    }
    for (const { stage, gates } of evaluations) {
      await this.context.record({
        type: "gate-evaluated",
        ...point,
        step: step.id,
        stage: stage.id,
        gates,
      });
    }
    for (const failure of failures) {
      await this.context.record({
        type: "stage-failed",
        ...point,
        stage: failure.stage.id,
        step: step.id,
        reason: failure.reason,
      });
    }
    if (failures.length > 0) {
      const repair = [...new Set(failures.filter((f) => f.needsRepair).map((f) => f.stage.stack))];
      const first = failures.find((f) => f.needsRepair) ?? failures[0];
      return { reason: `${first.stage.id} failed at ${step.id}: ${first.reason}`, repair };
    }
    await this.context.record({
      type: "step-completed",
      ...point,
      step: step.id,
      stages: stages.map((s) => s.id),
    });
    return undefined;
  }

  /**
   * An interrupted update left pending operations: nothing can change those stacks safely, a
   * rollback included, until an operator has checked the provider and run `repair`. The driver
   * stops where it is; `resume` runs the step again afterwards (it asks for the same state).
   */
  private async stopForRepair(
    failure: StepFailure,
    step: string,
    point: FailurePoint,
  ): Promise<RunOutcome> {
    const stacks = failure.repair.join(", ");
    this.deps.log.error({ stacks: failure.repair }, `stopped: ${failure.reason}`);
    await this.context.record({
      type: "paused",
      before: `${step} of ${point.wave} batch ${point.batch} (pending operations on ${stacks})`,
    });
    return {
      kind: "needs-repair",
      reason: failure.reason,
      next: { kind: "repair-then-resume", stacks: failure.repair },
    };
  }

  /** Acts on operators' requests at a step boundary. */
  private async checkControl(
    before: string,
    point: FailurePoint | undefined,
  ): Promise<RunOutcome | undefined> {
    const { pending, plan } = await this.context.refresh();
    if (pending.rollback) {
      return this.stopTheLine(
        "rollback",
        "release",
        point,
        `rollback requested by ${pending.rollback.by.user}: ${pending.rollback.reason}`,
      );
    }
    if (pending.abort) {
      return this.stopTheLine(
        "abort",
        plan.rollbackScope,
        point,
        `aborted by ${pending.abort.by.user}: ${pending.abort.reason}`,
      );
    }
    if (pending.pause) {
      await this.context.record({ type: "paused", before });
      return { kind: "paused", reason: `paused by ${pending.pause.user} before ${before}` };
    }
    return undefined;
  }

  private async stopTheLine(
    cause: RollbackCause,
    scope: RollbackScope,
    point: FailurePoint | undefined,
    reason: string,
  ): Promise<RunOutcome> {
    const progress = this.context.progress();
    const stages = stagesToRollBack(progress.plan, progress, scope, point);
    this.deps.log.error({ scope, stages }, `stopping the line: ${reason}`);
    await this.context.record({ type: "rollback-started", cause, scope, stages, reason });
    return completeRollback(this.context);
  }

  /** Approval before a wave: by policy, by a person at the terminal, or by `promote`. */
  private async approve(wave: string): Promise<RunOutcome | undefined> {
    const { settings, prompt, clock, onNotice, actor } = this.deps;
    if (settings.approval === "none") return undefined;
    for (;;) {
      const progress = this.context.progress();
      if (progress.approvedWaves.has(wave)) return undefined;
      const promotion = progress.pending.promotions.find(
        (p) => p.wave === wave || p.wave === undefined,
      );
      if (promotion) {
        await this.context.record({ type: "wave-approved", wave, by: promotion.by });
        return undefined;
      }
      if (prompt) {
        if (await prompt(`Start wave ${wave} of release ${progress.release}?`)) {
          await this.context.record({ type: "wave-approved", wave, by: actor });
          return undefined;
        }
        await this.context.record({ type: "paused", before: `wave ${wave} (approval declined)` });
        return {
          kind: "blocked",
          reason: `approval of wave ${wave} declined`,
          next: { kind: "resume-or-promote", wave },
        };
      }
      onNotice?.({ kind: "awaiting-approval", wave });
      await clock.sleep(settings.analysis.intervalSeconds * 1000);
      const stopped = await this.checkControl(`wave ${wave}`, undefined);
      if (stopped) return stopped;
    }
  }

  /** After the scale-down delay, the old colors scale down: the release becomes final. */
  private async finalize(): Promise<RunOutcome> {
    let progress = this.context.progress();
    const stopped = await this.checkControl("finalize", undefined);
    if (stopped) return stopped;
    const { clock, settings } = this.deps;
    if (progress.finalizeNotBefore === undefined) {
      const notBefore = new Date(clock.now() + settings.scaleDownDelaySeconds * 1000).toISOString();
      await this.context.record({ type: "finalize-started", notBefore });
      progress = this.context.progress();
    }
    const wait = Date.parse(progress.finalizeNotBefore ?? "") - clock.now();
    if (wait > 0) await clock.sleep(wait);

    const moved = allStages(progress.plan).filter(
      (s) => progress.movedStages.has(s.id) && !progress.finalizedStacks.has(s.stack),
    );
    const applied = await applyStates(
      this.context,
      progress,
      moved,
      (baseline) => finalized(baseline, progress.plan.release),
      { attempts: 3 },
    );
    for (const stack of new Set(applied.ok.map((s) => s.stack))) {
      await this.context.record({ type: "finalize-completed", stack });
    }
    if (applied.failures.length > 0) {
      return {
        kind: "incomplete",
        reason: `finalize failed (${applied.failures[0].reason})`,
        next: { kind: "resume-to-retry" },
      };
    }
    await this.context.record({ type: "release-finished", outcome: "succeeded" });
    return { kind: "succeeded" };
  }
}

/** Why a step failed, and the stacks (if any) that need a repair before anything else. */
interface StepFailure {
  readonly reason: string;
  readonly repair: readonly string[];
}

/**
 * An Outpost without a deployment entry runs the stack's release on blue, as the program
 * assumes (initialDeploymentState in infra/config); the baseline records it explicitly.
 */
function withInitialStates(
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
function untestedRelease(
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

function finishedOutcome(progress: ReleaseProgress): RunOutcome {
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

/** Stages of the plan that need no work because they already serve the release. */
export function stagesAlreadyOnRelease(
  plan: RolloutPlan,
  progress: Pick<ReleaseProgress, "baselines">,
): string[] {
  return allStages(plan)
    .filter((stage) => alreadyOnRelease(baselineOf(progress, stage), plan.release))
    .map((s) => s.id);
}
