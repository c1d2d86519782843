import type { DriverConfig } from "../engine/engine-port";
import type { GateSummary } from "../gates/gate-summary";
import { PRESTAGE_STEP, type RollbackScope, type RolloutPlan, TEST_STEP } from "../plan/plan-types";
import type {
  Actor,
  JournalEvent,
  ReleaseOutcome,
  RollbackCause,
  RollbackPhase,
  StagingCheck,
} from "../journal/journal-events";

export interface RollbackProgress {
  readonly cause: RollbackCause;
  readonly scope: RollbackScope;
  readonly stages: readonly string[];
  readonly reason: string;
  readonly done: ReadonlySet<string>;
  readonly completed: boolean;
  readonly failed: string | undefined;
}

export interface ReleaseProgress {
  readonly release: string;
  readonly attempt: number;
  readonly plan: RolloutPlan;
  readonly baselines: Readonly<Record<string, DriverConfig>>;
  readonly startedBy: Actor;
  readonly startedAt: string;
  readonly command: string;
  /** What the attempt asks of staging before its production waves (release-started). */
  readonly staging: StagingCheck | undefined;
  readonly preflightPassed: ReadonlySet<string>;
  readonly approvedWaves: ReadonlySet<string>;
  readonly startedWaves: ReadonlySet<string>;
  readonly completedWaves: ReadonlySet<string>;
  readonly startedSteps: ReadonlySet<string>;
  readonly completedSteps: ReadonlySet<string>;
  /** Steps (stepKey) in which a stage failed. */
  readonly failedSteps: ReadonlySet<string>;
  /** The batch of the last step started: where the line is. */
  readonly lastBatch: { readonly wave: string; readonly batch: number } | undefined;
  /** Stages whose config the release has changed (deploy-idle or prestage started). */
  readonly movedStages: ReadonlySet<string>;
  /**
   * Stages whose own wave steps started (deploy-idle, verify, ...): a stage that is moved but
   * not engaged was only pre-staged, its idle color up and no traffic on it.
   */
  readonly engagedStages: ReadonlySet<string>;
  readonly failedStages: ReadonlyMap<string, string>;
  /** How each staging stage's test gates ended (the `test` step's gate-evaluated events). */
  readonly testResults: ReadonlyMap<string, readonly GateSummary[]>;
  readonly rollback: RollbackProgress | undefined;
  /** When every wave passed (`release-deployed`): the release's deploy time ends there. */
  readonly deployedAt: string | undefined;
  readonly finalizeNotBefore: string | undefined;
  readonly finalizedStacks: ReadonlySet<string>;
  readonly finished:
    | { readonly outcome: ReleaseOutcome; readonly reason?: string; readonly at: string }
    | undefined;
  /** Operator requests not yet acted on. */
  readonly pending: {
    readonly pause: Actor | undefined;
    readonly abort: { readonly by: Actor; readonly reason: string } | undefined;
    readonly rollback: { readonly by: Actor; readonly reason: string } | undefined;
    /** `promote` requests not yet used; a request without a wave approves the next one. */
    readonly promotions: readonly { readonly wave: string | undefined; readonly by: Actor }[];
  };
  readonly paused: boolean;
  readonly lastEvent: JournalEvent;
}

export const stepKey = (wave: string, batch: number, step: string) => `${wave}#${batch}#${step}`;
export const rollbackKey = (phase: RollbackPhase, stack: string) => `${phase}:${stack}`;

/**
 * Replays a journal into the state of its latest attempt. Pure: the journal is the only
 * source of truth about what the driver already did, so resume, status and the operator
 * commands all start here. Returns undefined when no release was ever started.
 */
export function replay(events: readonly JournalEvent[]): ReleaseProgress | undefined {
  const startIndex = events.map((e) => e.type).lastIndexOf("release-started");
  if (startIndex < 0) return undefined;
  const start = events[startIndex];
  if (start.type !== "release-started") return undefined;

  const preflightPassed = new Set<string>();
  const approvedWaves = new Set<string>();
  const startedWaves = new Set<string>();
  const completedWaves = new Set<string>();
  const startedSteps = new Set<string>();
  const completedSteps = new Set<string>();
  const failedSteps = new Set<string>();
  const movedStages = new Set<string>();
  const engagedStages = new Set<string>();
  let lastBatch: ReleaseProgress["lastBatch"];
  const failedStages = new Map<string, string>();
  const testResults = new Map<string, readonly GateSummary[]>();
  const finalizedStacks = new Set<string>();
  let rollback: { -readonly [K in keyof RollbackProgress]: RollbackProgress[K] } | undefined;
  let rollbackDone = new Set<string>();
  let deployedAt: string | undefined;
  let finalizeNotBefore: string | undefined;
  let finished: ReleaseProgress["finished"];
  let pause: Actor | undefined;
  let abort: ReleaseProgress["pending"]["abort"];
  let rollbackRequest: ReleaseProgress["pending"]["rollback"];
  const promotions: { wave: string | undefined; by: Actor }[] = [];
  let paused = false;

  for (const event of events.slice(startIndex + 1)) {
    switch (event.type) {
      case "preflight-passed":
        preflightPassed.add(event.stack);
        break;
      case "wave-approved":
        approvedWaves.add(event.wave);
        // One request approves one wave: the one it names, or the next one.
        {
          const used = promotions.findIndex((p) => p.wave === event.wave);
          const index = used >= 0 ? used : promotions.findIndex((p) => p.wave === undefined);
          if (index >= 0) promotions.splice(index, 1);
        }
        break;
      case "wave-started":
        startedWaves.add(event.wave);
        break;
      case "step-started":
        startedSteps.add(stepKey(event.wave, event.batch, event.step));
        lastBatch = { wave: event.wave, batch: event.batch };
        if (event.step === "deploy-idle" || event.step === PRESTAGE_STEP)
          event.stages.forEach((s) => movedStages.add(s));
        if (event.step !== PRESTAGE_STEP) event.stages.forEach((s) => engagedStages.add(s));
        break;
      case "step-completed":
        completedSteps.add(stepKey(event.wave, event.batch, event.step));
        break;
      case "stage-failed":
        failedStages.set(event.stage, event.reason);
        failedSteps.add(stepKey(event.wave, event.batch, event.step));
        break;
      case "wave-completed":
        completedWaves.add(event.wave);
        break;
      case "rollback-started":
        rollbackDone = new Set();
        rollback = {
          cause: event.cause,
          scope: event.scope,
          stages: event.stages,
          reason: event.reason,
          done: rollbackDone,
          completed: false,
          failed: undefined,
        };
        abort = undefined;
        rollbackRequest = undefined;
        break;
      case "rollback-step-completed":
        rollbackDone.add(rollbackKey(event.phase, event.stack));
        break;
      case "rollback-completed":
        if (rollback) rollback.completed = true;
        break;
      case "rollback-failed":
        if (rollback) rollback.failed = event.reason;
        break;
      case "release-deployed":
        deployedAt = event.at;
        break;
      case "finalize-started":
        finalizeNotBefore = event.notBefore;
        break;
      case "finalize-completed":
        finalizedStacks.add(event.stack);
        break;
      case "release-finished":
        finished = { outcome: event.outcome, reason: event.reason, at: event.at };
        break;
      case "pause-requested":
        pause = event.by;
        break;
      case "abort-requested":
        abort = { by: event.by, reason: event.reason };
        break;
      case "rollback-requested":
        rollbackRequest = { by: event.by, reason: event.reason };
        // A release that stopped with stages still on the new version can be rolled back later.
        if (finished !== undefined && finished.outcome !== "succeeded") finished = undefined;
        break;
      case "promote-requested":
        promotions.push({ wave: event.wave, by: event.by });
        break;
      case "paused":
        paused = true;
        pause = undefined;
        break;
      case "resumed":
        paused = false;
        pause = undefined;
        if (rollback?.failed) rollback.failed = undefined;
        // Resuming after an incomplete rollback retries it.
        if (finished?.outcome === "rollback-incomplete") finished = undefined;
        break;
      case "gate-evaluated":
        if (event.step === TEST_STEP) testResults.set(event.stage, event.gates);
        break;
      case "preflight-blocked":
      case "release-started":
      case "stage-observed":
        break;
    }
  }

  return {
    release: start.plan.release,
    attempt: start.attempt,
    plan: start.plan,
    baselines: start.baselines,
    startedBy: start.by,
    startedAt: start.at,
    command: start.command,
    staging: start.staging,
    preflightPassed,
    approvedWaves,
    startedWaves,
    completedWaves,
    startedSteps,
    completedSteps,
    failedSteps,
    lastBatch,
    movedStages,
    engagedStages,
    failedStages,
    testResults,
    rollback,
    deployedAt,
    finalizeNotBefore,
    finalizedStacks,
    finished,
    pending: { pause, abort, rollback: rollbackRequest, promotions },
    paused,
    lastEvent: events[events.length - 1],
  };
}
