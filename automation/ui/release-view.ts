import type { GateSummary } from "../gates/gate-summary";
import {
  type ApprovalPolicy,
  approvalOfCommand,
  waveAwaitingApproval,
} from "../progress/approval-wait";
import type { LockState } from "../lock/fleet-lock";
import type { JournalEvent } from "../journal/journal-events";
import { replay, stepKey } from "../progress/release-progress";
import { type StageTraffic, TrafficTracker } from "../progress/stage-traffic";
import { batchesOf, PRESTAGE_STEP } from "../plan/plan-types";
import { alreadyOnRelease } from "../steps/deployment-transitions";
import { type HistoryEntry, statusView, type StepState } from "../operations/status-report";
import type { FleetConsistency } from "../operations/fleet-consistency";
import { servedVersionsFromJournal } from "../progress/served-versions";
import { type TimelineEntry, timelineOf } from "../progress/event-summary";

export type StageStepState = StepState | "failed" | "skipped";

export interface StageView {
  readonly id: string;
  readonly stack: string;
  readonly outpost: string;
  /** 0 for the wave's canary. */
  readonly ring: number;
  readonly batch: number;
  readonly state: "pending" | "running" | "done" | "failed" | "skipped" | "rolled back";
  /** The step the stage is on (or failed at); null before its first step and once done. */
  readonly currentStep: string | null;
  readonly steps: readonly { readonly id: string; readonly state: StageStepState }[];
  readonly traffic: StageTraffic | undefined;
  /** How each gate ended the stage's latest analysis. */
  readonly gates: { readonly step: string; readonly results: readonly GateSummary[] } | null;
  readonly failure: string | null;
}

export interface WaveView {
  readonly name: string;
  readonly state: string;
  readonly awaitingApproval: boolean;
  readonly stages: readonly StageView[];
}

/** Everything the live page shows about one release (its latest attempt). */
export interface ReleaseView {
  readonly release: string;
  readonly attempt: number;
  /** running | waiting for approval | paused | stopped | finished */
  readonly state: string;
  readonly outcome: string | null;
  readonly reason: string | null;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly command: string;
  readonly driver: string | null;
  readonly waves: readonly WaveView[];
  readonly rollback: {
    readonly cause: string;
    readonly scope: string;
    readonly stages: readonly string[];
    readonly state: string;
    readonly reason: string;
  } | null;
  readonly pendingRequests: readonly string[];
  readonly awaitingApproval: string | null;
  /** Whether the release's Outposts serve one version, and the command that fixes a split. */
  readonly consistency: FleetConsistency | null;
  readonly lastSeq: number;
  readonly timeline: readonly TimelineEntry[];
}

/** The page's whole model: the release on show (if any was started) and the history. */
export interface PageModel {
  readonly journal: string;
  readonly view: ReleaseView | undefined;
  readonly history: readonly HistoryEntry[];
  /** Whether the page offers operator actions (the server runs with --allow-actions). */
  readonly actions: boolean;
  /** Whether the page follows the latest release (no release was named). */
  readonly follow: boolean;
}

/**
 * The live view of a release from its journal and the fleet lock: statusView() for the waves'
 * steps, plus what the journal observed of every Outpost (traffic, versions, gates).
 * `approval` is the settings' policy; `--approve` on the release's command line wins. Pure.
 */
export function releaseView(
  events: readonly JournalEvent[],
  lock: LockState,
  approvalFromSettings: ApprovalPolicy,
): ReleaseView | undefined {
  const progress = replay(events);
  if (progress === undefined) return undefined;
  const status = statusView(progress, lock, servedVersionsFromJournal(events));
  const attemptEvents = events.slice(events.map((e) => e.type).lastIndexOf("release-started"));

  const traffic = new TrafficTracker();
  const gates = new Map<string, { step: string; results: readonly GateSummary[] }>();
  const failedAt = new Map<string, string>();
  const rolledBackStacks = new Set<string>();
  for (const event of attemptEvents) {
    traffic.apply(event);
    if (event.type === "gate-evaluated")
      gates.set(event.stage, { step: event.step, results: event.gates });
    if (event.type === "stage-failed") failedAt.set(event.stage, event.step);
    if (event.type === "rollback-started") rolledBackStacks.clear();
    if (event.type === "rollback-step-completed" && event.phase === "traffic")
      rolledBackStacks.add(event.stack);
  }

  const running = status.state === "running";
  const approval = approvalOfCommand(progress.command, approvalFromSettings);
  const awaiting = running ? waveAwaitingApproval(progress, approval) : undefined;
  // With a prestage, each stage's first step is its prestage batch (fleet-wide, before wave 1).
  const prestageState = new Map<string, StepState>();
  status.prestage?.batches.forEach((batch) => {
    for (const id of batch.stages) prestageState.set(id, batch.state);
  });
  const waves = progress.plan.waves.map((wave, waveIndex): WaveView => {
    const batchStates = status.waves[waveIndex].batches;
    const stages = batchesOf(wave).flatMap((batch, batchIndex) =>
      batch.map((stage): StageView => {
        const baseline = progress.baselines[stage.stack]?.deployment[stage.outpost];
        const skipped = baseline !== undefined && alreadyOnRelease(baseline, progress.release);
        const failedStep = failedAt.get(stage.id);
        /** A step of this stage: skipped, failed, or as its batch recorded it. */
        const stepOf = (
          id: string,
          recorded: StepState,
        ): { id: string; state: StageStepState } => ({
          id,
          state: skipped ? "skipped" : id === failedStep ? "failed" : recorded,
        });
        const prestaged = prestageState.get(stage.id);
        const prestage = prestaged === undefined ? [] : [stepOf(PRESTAGE_STEP, prestaged)];
        const waveSteps = (progress.plan.steps[stage.stack] ?? []).map((step) =>
          stepOf(
            step.id,
            batchStates[batchIndex]?.steps[step.id] ??
              (progress.completedSteps.has(stepKey(wave.name, batchIndex, step.id))
                ? "done"
                : "pending"),
          ),
        );
        const steps = [...prestage, ...waveSteps];
        const rolledBack =
          progress.rollback?.stages.includes(stage.id) === true &&
          (progress.rollback.completed || rolledBackStacks.has(stage.stack)) &&
          progress.movedStages.has(stage.id);
        const current = steps.find((s) => s.state !== "done" && s.state !== "skipped");
        // A stage whose idle color was only pre-staged waits for its wave: still pending.
        const started =
          waveSteps.some((s) => s.state === "done" || s.state === "running") ||
          prestage.some((s) => s.state === "running");
        const state: StageView["state"] = skipped
          ? "skipped"
          : rolledBack
            ? "rolled back"
            : failedStep !== undefined
              ? "failed"
              : current === undefined
                ? "done"
                : started
                  ? "running"
                  : "pending";
        return {
          id: stage.id,
          stack: stage.stack,
          outpost: stage.outpost,
          ring: stage.ring,
          batch: stage.batch,
          state,
          currentStep: state === "pending" || state === "done" ? null : (current?.id ?? null),
          steps,
          traffic: traffic.get(stage.id),
          gates: gates.get(stage.id) ?? null,
          failure: progress.failedStages.get(stage.id) ?? null,
        };
      }),
    );
    return {
      name: wave.name,
      state: awaiting === wave.name ? "waiting for approval" : status.waves[waveIndex].state,
      awaitingApproval: awaiting === wave.name,
      stages,
    };
  });

  return {
    release: progress.release,
    attempt: progress.attempt,
    state: awaiting ? "waiting for approval" : status.state,
    outcome: status.outcome,
    reason: progress.finished?.reason ?? null,
    startedBy: status.startedBy,
    startedAt: status.startedAt,
    command: status.command,
    driver: status.driver,
    waves,
    rollback:
      progress.rollback && status.rollback
        ? { ...status.rollback, cause: progress.rollback.cause }
        : null,
    pendingRequests: status.pendingRequests,
    awaitingApproval: awaiting ?? null,
    consistency: status.consistency,
    lastSeq: events.at(-1)?.seq ?? 0,
    timeline: timelineOf(events),
  };
}
