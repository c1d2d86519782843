import { activeFreezeWindow, describeFreezeWindow } from "../settings/freeze-windows";
import type { ExecutionContext } from "./execution-context";
import { stopLine } from "./line-stop";
import { holdWithoutStagingPass } from "./staging-pass-guard";
import type { RunOutcome } from "./run-outcome";
import type { FailurePoint, LineStop } from "./stop-the-line";

/** What a step (or a wave, the preflight, the finalize) waits behind before it starts. */
export interface Boundary {
  /** What a pause here is recorded before: "flip of us batch 1". */
  readonly before: string;
  /** Where an abort or a rollback requested here stops the line (undefined: before any wave). */
  readonly at: FailurePoint | undefined;
  /** It changes the fleet: inside a freeze window it does not start (`what` is held). */
  readonly freeze?: {
    readonly what: string;
    /** The pause recorded, from the reason "<what> is inside freeze window ...". */
    readonly paused: (reason: string) => string;
  };
  /** The wave that needs an approval first (by policy, at the terminal, or by `promote`). */
  readonly approval?: string;
  /**
   * It changes production Outposts: it needs a fresh staging pass of the build first
   * (staging-pass-guard.ts), checked last, since an approval may wait long. `what` is held.
   */
  readonly stagingPass?: { readonly what: string };
}

/**
 * Why a boundary does not let the run go on: it holds (paused, blocked; the outcome is already
 * journaled), or the line stops (an operator's abort or rollback), which the caller carries
 * out once nothing else is in flight.
 */
export type Halt =
  | { readonly held: RunOutcome; readonly stop?: undefined }
  | { readonly stop: LineStop; readonly held?: undefined };

/**
 * Checks a step boundary: operators' requests, freeze windows, an approval, a fresh staging
 * pass. Returns why the run
 * may not go on, undefined when it may. Stops nothing itself (see `passBoundary`).
 */
export async function checkBoundary(
  context: ExecutionContext,
  boundary: Boundary,
  signal?: AbortSignal,
): Promise<Halt | undefined> {
  const requested = await actOnRequests(context, boundary.before, boundary.at);
  if (requested) return requested;
  if (boundary.freeze) {
    const frozen = await holdInFreezeWindow(context, boundary.freeze);
    if (frozen) return { held: frozen };
  }
  if (boundary.approval !== undefined) {
    const unapproved = await approve(context, boundary.approval, signal);
    if (unapproved) return unapproved;
  }
  if (boundary.stagingPass) {
    const untested = await holdWithoutStagingPass(context, boundary.stagingPass.what);
    if (untested) return { held: untested };
  }
  return undefined;
}

/**
 * Passes a boundary where nothing else runs (before the first step, before finalize): a halt
 * that stops the line stops it here. Returns how the run ends, undefined when it may go on.
 */
export async function passBoundary(
  context: ExecutionContext,
  boundary: Boundary,
): Promise<RunOutcome | undefined> {
  const halt = await checkBoundary(context, boundary);
  if (halt === undefined) return undefined;
  return halt.stop ? stopLine(context, halt.stop) : halt.held;
}

/** Operators' requests (journaled by other processes): rollback, abort, then pause. */
async function actOnRequests(
  context: ExecutionContext,
  before: string,
  at: FailurePoint | undefined,
): Promise<Halt | undefined> {
  const { pending, plan } = await context.refresh();
  if (pending.rollback) {
    const { by, reason } = pending.rollback;
    return {
      stop: {
        kind: "roll-back",
        cause: "rollback",
        scope: "release",
        at,
        reason: `rollback requested by ${by.user}: ${reason}`,
      },
    };
  }
  if (pending.abort) {
    const { by, reason } = pending.abort;
    return {
      stop: {
        kind: "roll-back",
        cause: "abort",
        scope: plan.rollbackScope,
        at,
        reason: `aborted by ${by.user}: ${reason}`,
      },
    };
  }
  if (pending.pause) {
    await context.record({ type: "paused", before });
    return { held: { kind: "paused", reason: `paused by ${pending.pause.user} before ${before}` } };
  }
  return undefined;
}

/** Inside a freeze window the driver records a pause and stops, blocked, until resumed after it. */
async function holdInFreezeWindow(
  context: ExecutionContext,
  freeze: NonNullable<Boundary["freeze"]>,
): Promise<RunOutcome | undefined> {
  const { settings, clock } = context.deps;
  const frozen = activeFreezeWindow(settings.freezeWindows, clock.now());
  if (!frozen) return undefined;
  const reason = `${freeze.what} is inside freeze window ${describeFreezeWindow(frozen)}`;
  await context.record({ type: "paused", before: freeze.paused(reason) });
  return { kind: "blocked", reason, next: { kind: "resume-after-freeze", window: frozen.name } };
}

/**
 * Approval before a wave: by policy, by a person at the terminal, or by `promote`. While it
 * waits for a `promote`, `signal` ends the wait (rejecting with its reason): another step
 * stopped the line.
 */
async function approve(
  context: ExecutionContext,
  wave: string,
  signal?: AbortSignal,
): Promise<Halt | undefined> {
  const { settings, prompt, clock, onNotice, actor } = context.deps;
  if (settings.approval === "none") return undefined;
  for (;;) {
    const progress = context.progress();
    if (progress.approvedWaves.has(wave)) return undefined;
    const promotion = progress.pending.promotions.find(
      (p) => p.wave === wave || p.wave === undefined,
    );
    if (promotion) {
      await context.record({ type: "wave-approved", wave, by: promotion.by });
      return undefined;
    }
    if (prompt) {
      if (await prompt(`Start wave ${wave} of release ${progress.release}?`)) {
        await context.record({ type: "wave-approved", wave, by: actor });
        return undefined;
      }
      await context.record({ type: "paused", before: `wave ${wave} (approval declined)` });
      return {
        held: {
          kind: "blocked",
          reason: `approval of wave ${wave} declined`,
          next: { kind: "resume-or-promote", wave },
        },
      };
    }
    onNotice?.({ kind: "awaiting-approval", wave });
    await clock.sleep(settings.analysis.intervalSeconds * 1000, signal);
    const stopped = await actOnRequests(context, `wave ${wave}`, undefined);
    if (stopped) return stopped;
  }
}
