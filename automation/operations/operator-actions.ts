import { RefusedError } from "../executor/release-refusal";
import type { RolloutExecutor } from "../executor/rollout-executor";
import type { RunOutcome } from "../executor/run-outcome";
import type { Actor, ReleaseOutcome } from "../journal/journal-events";
import type { ReleaseJournal } from "../journal/release-journal";
import type { ReleaseProgress } from "../progress/release-progress";
import type { FleetStore } from "../store/fleet-store";
import { invalidValue } from "../support/user-error";
import { driverRunning, type SelectedRelease } from "./release-selection";

// Operators' actions on a release, shared by the CLI commands and the live view's buttons, so
// both journal the same requests with the same checks. A user mistake throws a UserError, a
// release whose state does not allow the action a RefusedError; everything else is a result:
// what happened, as facts. Each front end words it (cli/action-text.ts, ui/action-answer.ts).

/** The running driver was asked (journaled); it acts at its next step boundary. */
export interface Requested {
  readonly kind: "requested";
  readonly action: "pause" | "abort" | "rollback";
  readonly release: string;
}

/** The approval of `wave` (undefined: the next wave) is journaled. */
export interface Approved {
  readonly kind: "approved";
  readonly release: string;
  readonly wave: string | undefined;
  /** No driver runs the release: the approval waits for a `resume`. */
  readonly driverRunning: boolean;
}

/** Nothing to pause: no driver runs the release (it is stopped already). */
export interface NotRunning {
  readonly kind: "not-running";
  readonly release: string;
}

/** Nothing to roll back: the release finished with every Outpost back on its old color. */
export interface NothingToRollBack {
  readonly kind: "nothing-to-roll-back";
  readonly release: string;
  readonly outcome: ReleaseOutcome;
}

/** No driver was running, so the action ran one itself, and this is how it ended. */
export interface Ran {
  readonly kind: "ran";
  readonly action: "abort" | "rollback" | "resume";
  readonly release: string;
  readonly outcome: RunOutcome;
  /** The run ended as the action asks (abort: aborted, rollback: rolled back, resume: done). */
  readonly achieved: boolean;
}

export type ActionResult = Requested | Approved | NotRunning | NothingToRollBack | Ran;

/** Runs the executor under the fleet lock for a release (the real engine, the real gates). */
export type DriverLauncher = (
  selected: SelectedRelease,
  run: (
    executor: RolloutExecutor,
    session: { journal: ReleaseJournal; actor: Actor },
  ) => Promise<RunOutcome>,
) => Promise<RunOutcome>;

/** What an action needs: the journals, the release it acts on and who acts. */
export interface ActionScope {
  readonly store: FleetStore;
  readonly selected: SelectedRelease;
  readonly actor: Actor;
  /** Runs a driver when no driver is running (abort, rollback, resume). */
  readonly launch: DriverLauncher;
}

export function refuseIfFinished(progress: ReleaseProgress): void {
  const { release, finished } = progress;
  if (finished) throw new RefusedError({ kind: "finished", release, outcome: finished.outcome });
}

/** Asks the running driver to stop at its next step boundary. */
export async function pauseRelease(scope: ActionScope): Promise<Requested | NotRunning> {
  const { store, selected, actor } = scope;
  refuseIfFinished(selected.progress);
  const { release } = selected;
  if (!(await driverRunning(store, release))) return { kind: "not-running", release };
  await selected.journal.append({ type: "pause-requested", by: actor });
  return { kind: "requested", action: "pause", release };
}

/** Approves the next wave, or `wave`. */
export async function promoteRelease(
  scope: ActionScope,
  wave: string | undefined,
): Promise<Approved> {
  const { store, selected, actor } = scope;
  refuseIfFinished(selected.progress);
  const waves = selected.progress.plan.waves.map((w) => w.name);
  if (wave !== undefined && !waves.includes(wave)) {
    throw invalidValue(
      "--wave",
      wave,
      `must be a wave of release ${selected.release}: ${waves.join(", ")}`,
    );
  }
  await selected.journal.append({ type: "promote-requested", by: actor, wave });
  const running = await driverRunning(store, selected.release);
  return { kind: "approved", release: selected.release, wave, driverRunning: running };
}

/** Stops the line and rolls back by the release's policy: through the running driver, or now. */
export async function abortRelease(scope: ActionScope, reason: string): Promise<Requested | Ran> {
  const { store, selected, actor } = scope;
  refuseIfFinished(selected.progress);
  if (await driverRunning(store, selected.release)) {
    await selected.journal.append({ type: "abort-requested", by: actor, reason });
    return { kind: "requested", action: "abort", release: selected.release };
  }
  return ran(scope, "abort", await actNow(scope, "abort-requested", reason));
}

/** Stages still on the new release: moved, and not (yet) rolled back. */
export function keptStages(progress: ReleaseProgress): string[] {
  const rolledBack = progress.rollback?.completed ? progress.rollback.stages : [];
  return [...progress.movedStages].filter((stage) => !rolledBack.includes(stage));
}

/** Flips every moved Outpost back to its warm old color: through the running driver, or now. */
export async function rollbackRelease(
  scope: ActionScope,
  reason: string,
): Promise<Requested | NothingToRollBack | Ran> {
  const { store, selected, actor } = scope;
  const { progress, release } = selected;
  if (progress.finished?.outcome === "succeeded") {
    const previous = Object.values(progress.baselines)[0]?.release;
    throw new RefusedError({ kind: "final", release: progress.release, previous });
  }
  if (progress.finished && keptStages(progress).length === 0) {
    return { kind: "nothing-to-roll-back", release, outcome: progress.finished.outcome };
  }
  if (await driverRunning(store, release)) {
    await selected.journal.append({ type: "rollback-requested", by: actor, reason });
    return { kind: "requested", action: "rollback", release };
  }
  return ran(scope, "rollback", await actNow(scope, "rollback-requested", reason));
}

/** Continues a paused, blocked or killed release from its journal, as its driver. */
export async function resumeRelease(scope: Omit<ActionScope, "actor">): Promise<Ran> {
  const outcome = await scope.launch(scope.selected, (executor) => executor.resume());
  return ran(scope, "resume", outcome);
}

/** What each action asks the run to end with. */
const ASKED: Record<Ran["action"], RunOutcome["kind"]> = {
  abort: "aborted",
  rollback: "rolled-back",
  resume: "succeeded",
};

function ran(
  scope: Pick<ActionScope, "selected">,
  action: Ran["action"],
  outcome: RunOutcome,
): Ran {
  const release = scope.selected.release;
  return { kind: "ran", action, release, outcome, achieved: outcome.kind === ASKED[action] };
}

/** Runs the executor under the lock to carry out a request when no driver is running. */
function actNow(
  scope: ActionScope,
  request: "abort-requested" | "rollback-requested",
  reason: string,
): Promise<RunOutcome> {
  return scope.launch(scope.selected, async (executor, session) => {
    await session.journal.append({ type: request, by: session.actor, reason });
    return executor.resume();
  });
}
