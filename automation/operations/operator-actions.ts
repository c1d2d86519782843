import type { RunOutcome } from "../executor/run-outcome";
import { exitCodeOf } from "../cli/outcome-text";
import type { RolloutExecutor } from "../executor/rollout-executor";
import type { FleetStore } from "../store/fleet-store";
import type { Actor } from "../journal/journal-events";
import type { ReleaseJournal } from "../journal/release-journal";
import type { ReleaseProgress } from "../progress/release-progress";
import { ExitCode } from "../support/exit-codes";
import { invalidValue } from "../support/user-error";
import { RefusedError } from "../executor/release-refusal";
import type { CliIo } from "../cli/cli-io";
import { stacksOfRelease } from "../cli/driver-places";
import { runDriver } from "../cli/driver-session";
import { driverRunning, type SelectedRelease } from "./release-selection";
import { type CommonArgs, resolveSettings } from "../cli/rollout-options";
import type { EngineArgs } from "../cli/engine-options";

/**
 * Operators' actions on a release, shared by the CLI commands and the live view's buttons, so
 * both journal the same requests with the same checks. A user mistake throws a UserError;
 * everything else is a result with the message to show and the exit code a command ends with.
 */
export type ActionResult =
  | { readonly kind: "message"; readonly message: string; readonly exitCode: ExitCode }
  /** The action ran the executor itself (no driver was running) and this is how it ended. */
  | { readonly kind: "outcome"; readonly outcome: RunOutcome; readonly exitCode: ExitCode };

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

/** The launcher of the CLI: settings and the release's stacks are read when a driver is needed. */
export function driverLauncher(
  io: CliIo,
  args: CommonArgs & EngineArgs,
  projectDir: string,
  command: string,
  extra: { readonly onEvent?: Parameters<typeof runDriver>[0]["onEvent"] } = {},
): DriverLauncher {
  return (selected, run) =>
    runDriver(
      {
        io,
        args,
        projectDir,
        settings: resolveSettings(args, io.env),
        fleet: stacksOfRelease(projectDir, selected.progress.plan),
        release: selected.release,
        command,
        onEvent: extra.onEvent,
      },
      run,
    );
}

const message = (text: string, exitCode = ExitCode.Success): ActionResult => ({
  kind: "message",
  message: text,
  exitCode,
});

export function refuseIfFinished(progress: ReleaseProgress): void {
  const { release, finished } = progress;
  if (finished) throw new RefusedError({ kind: "finished", release, outcome: finished.outcome });
}

/** Asks the running driver to stop at its next step boundary. */
export async function pauseRelease(scope: ActionScope): Promise<ActionResult> {
  const { store, selected, actor } = scope;
  refuseIfFinished(selected.progress);
  if (!(await driverRunning(store, selected.release))) {
    return message(
      `no driver is running release ${selected.release}: it is stopped already; resume continues it`,
      ExitCode.NothingToDo,
    );
  }
  await selected.journal.append({ type: "pause-requested", by: actor });
  return message(`pause requested: the driver of ${selected.release} stops before its next step`);
}

/** Approves the next wave, or `wave`. */
export async function promoteRelease(
  scope: ActionScope,
  wave: string | undefined,
): Promise<ActionResult> {
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
  return message(
    `approved ${wave ? `wave ${wave}` : "the next wave"} of ${selected.release}` +
      (running ? "" : "; no driver is running: run resume to continue"),
  );
}

/** Stops the line and rolls back by the release's policy: through the running driver, or now. */
export async function abortRelease(scope: ActionScope, reason: string): Promise<ActionResult> {
  const { store, selected, actor } = scope;
  refuseIfFinished(selected.progress);
  if (await driverRunning(store, selected.release)) {
    await selected.journal.append({ type: "abort-requested", by: actor, reason });
    return message(
      `abort requested: the driver of ${selected.release} stops and rolls back at its next step boundary`,
    );
  }
  const outcome = await actNow(scope, "abort-requested", reason);
  return {
    kind: "outcome",
    outcome,
    exitCode: outcome.kind === "aborted" ? ExitCode.Success : exitCodeOf(outcome),
  };
}

/** Stages still on the new release: moved, and not (yet) rolled back. */
export function keptStages(progress: ReleaseProgress): string[] {
  const rolledBack = progress.rollback?.completed ? progress.rollback.stages : [];
  return [...progress.movedStages].filter((stage) => !rolledBack.includes(stage));
}

/** Flips every moved Outpost back to its warm old color: through the running driver, or now. */
export async function rollbackRelease(scope: ActionScope, reason: string): Promise<ActionResult> {
  const { store, selected, actor } = scope;
  const { progress } = selected;
  if (progress.finished?.outcome === "succeeded") {
    const previous = Object.values(progress.baselines)[0]?.release;
    throw new RefusedError({ kind: "final", release: progress.release, previous });
  }
  if (progress.finished && keptStages(progress).length === 0) {
    return message(
      `nothing to roll back: release ${progress.release} finished ${progress.finished.outcome} with every Outpost back`,
      ExitCode.NothingToDo,
    );
  }
  if (await driverRunning(store, selected.release)) {
    await selected.journal.append({ type: "rollback-requested", by: actor, reason });
    return message(
      `rollback requested: the driver of ${selected.release} rolls back at its next step boundary`,
    );
  }
  const outcome = await actNow(scope, "rollback-requested", reason);
  return {
    kind: "outcome",
    outcome,
    exitCode: outcome.kind === "rolled-back" ? ExitCode.Success : exitCodeOf(outcome),
  };
}

/** Continues a paused, blocked or killed release from its journal, as its driver. */
export async function resumeRelease(scope: Omit<ActionScope, "actor">): Promise<ActionResult> {
  const outcome = await scope.launch(scope.selected, (executor) => executor.resume());
  return { kind: "outcome", outcome, exitCode: exitCodeOf(outcome) };
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
