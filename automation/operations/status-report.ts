import { describeHolder, type LockState } from "../lock/fleet-lock";
import type { JournalEvent } from "../journal/journal-events";
import { type ReleaseProgress, stepKey } from "../progress/release-progress";
import {
  allStages,
  batchesOf,
  batchLabel,
  PRESTAGE_STEP,
  SOAK_KINDS,
  STRICT_SCHEDULE,
} from "../plan/plan-types";
import type { GateSummary } from "../gates/gate-summary";
import { batchSteps } from "../executor/stage-view";
import { type FleetConsistency, judgeConsistency, type ServedVersions } from "./fleet-consistency";

export type StepState = "done" | "running" | "failed" | "pending";

export interface StatusView {
  readonly release: string;
  readonly attempt: number;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly command: string;
  /** running | paused | stopped (driver gone mid-way; resume continues) | finished */
  readonly state: string;
  readonly outcome: string | null;
  readonly driver: string | null;
  /** The fleet-wide prestage before wave 1, or null when the plan has none. */
  readonly prestage: {
    readonly batches: { readonly stages: readonly string[]; readonly state: StepState }[];
  } | null;
  readonly waves: {
    readonly name: string;
    /** Wave 0: the staging stacks, before the prestage and the production waves. */
    readonly staging: boolean;
    readonly state: string;
    readonly batches: {
      /** "canary " or "batch <n>" (batchLabel). */
      readonly label: string;
      readonly stages: readonly string[];
      readonly steps: Record<string, StepState>;
      /** The soak steps that run side by side after the flip (waves in a pipeline), else []. */
      readonly sideBySide: readonly string[];
    }[];
  }[];
  /**
   * The batches with a step running now, in plan order, with those steps: with waves in a
   * pipeline, two waves' batches at once (`us batch 1: canary, bake`).
   */
  readonly inFlight: readonly string[];
  /** The test gates of each staging stage that ran them (wave 0), in plan order. */
  readonly tests: { readonly stage: string; readonly gates: readonly GateSummary[] }[];
  readonly failures: { readonly stage: string; readonly reason: string }[];
  readonly rollback: {
    readonly scope: string;
    readonly stages: readonly string[];
    readonly state: string;
    readonly reason: string;
  } | null;
  readonly pendingRequests: string[];
  /**
   * Whether the release's Outposts serve one version (fleet-consistency.ts); null when the
   * caller gave no versions.
   */
  readonly consistency: FleetConsistency | null;
}

/** running (a driver holds this release) | paused | stopped (driver gone mid-way) | finished */
export function releaseState(progress: ReleaseProgress, lock: LockState): string {
  const holdsThis = lock.state === "held" && lock.holder.release === progress.release;
  if (progress.finished) return "finished";
  if (holdsThis) return "running";
  return progress.paused ? "paused" : "stopped";
}

/** A step's state from the journal: done, failed (a stage failed in it), started, or not yet. */
function stepStateOf(progress: ReleaseProgress, key: string): StepState {
  if (progress.completedSteps.has(key)) return "done";
  if (progress.failedSteps.has(key)) return "failed";
  return progress.startedSteps.has(key) ? "running" : "pending";
}

/**
 * What `status` shows, from the journal and the lock. `served`: the versions each Outpost
 * serves (progress/served-versions.ts), to judge the fleet's consistency. Pure.
 */
export function statusView(
  progress: ReleaseProgress,
  lock: LockState,
  served?: ServedVersions,
): StatusView {
  const state = releaseState(progress, lock);
  const pipelined = (progress.plan.schedule ?? STRICT_SCHEDULE).pipelineWaves;
  const waves = progress.plan.waves.map((wave) => {
    const batches = batchesOf(wave).map((batch, index) => {
      const steps: Record<string, StepState> = {};
      const specs = batchSteps(progress.plan, batch);
      for (const step of specs) {
        steps[step.id] = stepStateOf(progress, stepKey(wave.name, index, step.id));
      }
      const soak = pipelined ? specs.filter((step) => SOAK_KINDS.has(step.kind)) : [];
      return {
        label: batchLabel(batch, index),
        stages: batch.map((s) => s.id),
        steps,
        sideBySide: soak.length > 1 ? soak.map((step) => step.id) : [],
      };
    });
    const rolledBack =
      progress.rollback?.completed &&
      wave.stages.some((s) => progress.rollback?.stages.includes(s.id));
    const waveState = rolledBack
      ? "rolled back"
      : progress.completedWaves.has(wave.name)
        ? "done"
        : progress.startedWaves.has(wave.name)
          ? "in progress"
          : "not started";
    return { name: wave.name, staging: wave.staging === true, state: waveState, batches };
  });
  const prestage = progress.plan.prestage
    ? {
        batches: progress.plan.prestage.batches.map((stages, index) => ({
          stages,
          state: stepStateOf(progress, stepKey(PRESTAGE_STEP, index, PRESTAGE_STEP)),
        })),
      }
    : null;
  const pending = progress.pending;
  const inFlight = [
    ...(prestage?.batches ?? []).flatMap((batch, index) =>
      batch.state === "running" ? [`${PRESTAGE_STEP} batch ${index}`] : [],
    ),
    ...waves.flatMap((wave) =>
      wave.batches.flatMap((batch) => {
        const running = Object.keys(batch.steps).filter((id) => batch.steps[id] === "running");
        return running.length > 0
          ? [`${wave.name} ${batch.label.trim()}: ${running.join(", ")}`]
          : [];
      }),
    ),
  ];
  return {
    release: progress.release,
    attempt: progress.attempt,
    startedBy: progress.startedBy.user,
    startedAt: progress.startedAt,
    command: progress.command,
    state,
    outcome: progress.finished?.outcome ?? null,
    driver:
      lock.state === "free"
        ? null
        : `${lock.state === "stale" ? "STALE " : ""}${describeHolder(lock.holder)}`,
    prestage,
    waves,
    inFlight: progress.finished ? [] : inFlight,
    tests: allStages(progress.plan).flatMap((stage) => {
      const gates = progress.testResults.get(stage.id);
      return gates ? [{ stage: stage.id, gates }] : [];
    }),
    failures: [...progress.failedStages].map(([stage, reason]) => ({ stage, reason })),
    rollback: progress.rollback
      ? {
          scope: progress.rollback.scope,
          stages: progress.rollback.stages,
          state: progress.rollback.completed
            ? "completed"
            : progress.rollback.failed
              ? `failed: ${progress.rollback.failed}`
              : "in progress",
          reason: progress.rollback.reason,
        }
      : null,
    pendingRequests: [
      ...(pending.pause ? [`pause by ${pending.pause.user}`] : []),
      ...(pending.abort ? [`abort by ${pending.abort.by.user}`] : []),
      ...(pending.rollback ? [`rollback by ${pending.rollback.by.user}`] : []),
      ...pending.promotions.map((p) => `promote ${p.wave ?? "next wave"} by ${p.by.user}`),
    ],
    consistency:
      served === undefined
        ? null
        : judgeConsistency(served, {
            release: progress.release,
            state,
            outcome: progress.finished?.outcome ?? null,
          }),
  };
}

export interface HistoryEntry {
  readonly release: string;
  readonly attempt: number;
  readonly by: string;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: string;
}

/** One entry per attempt of every release, newest first. Pure. */
export function releaseHistory(
  journals: readonly { release: string; events: readonly JournalEvent[] }[],
): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const { release, events } of journals) {
    let current: { -readonly [K in keyof HistoryEntry]: HistoryEntry[K] } | undefined;
    for (const event of events) {
      if (event.type === "release-started") {
        if (current) entries.push(current);
        current = {
          release,
          attempt: event.attempt,
          by: event.by.user,
          host: event.by.host,
          command: event.command,
          startedAt: event.at,
          finishedAt: null,
          outcome: "in progress",
        };
      } else if (event.type === "release-finished" && current) {
        current.finishedAt = event.at;
        current.outcome = event.outcome;
      } else if (
        (event.type === "rollback-requested" || event.type === "resumed") &&
        current?.finishedAt
      ) {
        current.outcome = `${current.outcome}, then ${event.type === "resumed" ? "resumed" : "rollback requested"}`;
        current.finishedAt = null;
      }
    }
    if (current) entries.push(current);
  }
  return entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.attempt - a.attempt);
}
