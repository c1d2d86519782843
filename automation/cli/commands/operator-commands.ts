import type { Argv } from "yargs";
import { exitCodeOf, type RunOutcome } from "../../executor/run-outcome";
import { projectDirFrom } from "../../fleet/project-dir";
import { currentActor } from "../../journal/journal-store";
import type { ReleaseProgress } from "../../journal/release-progress";
import { ExitCode } from "../../support/exit-codes";
import { invalidValue, UserError } from "../../support/user-error";
import type { CliIo } from "../cli-io";
import { type CommandContext, printOutcome } from "../command-context";
import { commandStore, stacksOfRelease } from "../driver-places";
import { runDriver } from "../driver-session";
import { driverRunning, type SelectedRelease, selectRelease } from "../release-selection";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { type EngineArgs, withEngineOptions } from "../runtime";

type OperatorArgs = CommonArgs & EngineArgs & { release?: string; reason?: string; wave?: string };

function withOperatorOptions<T>(yargs: Argv<T>) {
  return withEngineOptions(withTargetOption(withCommonOptions(yargs))).option("release", {
    type: "string",
    describe: "Release to act on (default: the running one, else the one started last)",
  });
}

async function open(context: CommandContext, args: OperatorArgs) {
  const projectDir = projectDirFrom(args["project-dir"], context.io.env);
  const settings = resolveSettings(args, context.io.env);
  const { store } = commandStore(args, projectDir, context.io.env, settings.lock);
  return { projectDir, settings, store, selected: await selectRelease(store, args.release) };
}

function say(io: CliIo, json: boolean, message: string, fields: object = {}): void {
  io.stdout.write(json ? `${JSON.stringify({ message, ...fields })}\n` : `${message}\n`);
}

function refuseIfFinished(progress: ReleaseProgress): void {
  if (progress.finished) {
    throw new UserError(
      `release ${progress.release} already finished: ${progress.finished.outcome}`,
      ExitCode.NothingToDo,
    );
  }
}

/** Runs the executor under the lock to carry out a request when no driver is running. */
async function actNow(
  context: CommandContext,
  args: OperatorArgs,
  projectDir: string,
  selected: SelectedRelease,
  request: "abort-requested" | "rollback-requested",
  reason: string,
): Promise<RunOutcome> {
  return runDriver(
    {
      io: context.io,
      args,
      projectDir,
      settings: resolveSettings(args, context.io.env),
      fleet: stacksOfRelease(projectDir, selected.progress.plan),
      release: selected.release,
      command: context.commandLine,
    },
    async (executor, session) => {
      await session.journal.append({ type: request, by: session.actor, reason });
      return executor.resume();
    },
  );
}

export function pauseCommand(context: CommandContext) {
  return {
    command: "pause",
    describe: "Ask the running driver to stop at its next step boundary",
    builder: (yargs: Argv) => withOperatorOptions(yargs),
    handler: async (args: OperatorArgs) => {
      const { store, selected } = await open(context, args);
      refuseIfFinished(selected.progress);
      if (!(await driverRunning(store, selected.release))) {
        say(
          context.io,
          args.json,
          `no driver is running release ${selected.release}: it is stopped already; resume continues it`,
        );
        context.setExit(ExitCode.NothingToDo);
        return;
      }
      await selected.journal.append({ type: "pause-requested", by: currentActor(context.io.env) });
      say(
        context.io,
        args.json,
        `pause requested: the driver of ${selected.release} stops before its next step`,
      );
    },
  };
}

export function promoteCommand(context: CommandContext) {
  return {
    command: "promote",
    describe: "Approve the next wave (or --wave) of a release that waits for approval",
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs).option("wave", {
        type: "string",
        describe: "The wave to approve (default: the next one)",
      }),
    handler: async (args: OperatorArgs) => {
      const { store, selected } = await open(context, args);
      refuseIfFinished(selected.progress);
      const waves = selected.progress.plan.waves.map((w) => w.name);
      if (args.wave !== undefined && !waves.includes(args.wave)) {
        throw invalidValue(
          "--wave",
          args.wave,
          `must be a wave of release ${selected.release}: ${waves.join(", ")}`,
        );
      }
      await selected.journal.append({
        type: "promote-requested",
        by: currentActor(context.io.env),
        wave: args.wave,
      });
      const running = await driverRunning(store, selected.release);
      say(
        context.io,
        args.json,
        `approved ${args.wave ? `wave ${args.wave}` : "the next wave"} of ${selected.release}` +
          (running ? "" : "; no driver is running: run resume to continue"),
      );
    },
  };
}

export function abortCommand(context: CommandContext) {
  return {
    command: "abort",
    describe: "Stop the line now and roll back by the release's policy",
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs).option("reason", {
        type: "string",
        default: "aborted by an operator",
        describe: "Why (recorded)",
      }),
    handler: async (args: OperatorArgs) => {
      const { projectDir, store, selected } = await open(context, args);
      refuseIfFinished(selected.progress);
      const reason = args.reason ?? "aborted by an operator";
      if (await driverRunning(store, selected.release)) {
        await selected.journal.append({
          type: "abort-requested",
          by: currentActor(context.io.env),
          reason,
        });
        say(
          context.io,
          args.json,
          `abort requested: the driver of ${selected.release} stops and rolls back at its next step boundary`,
        );
        return;
      }
      const outcome = await actNow(context, args, projectDir, selected, "abort-requested", reason);
      printOutcome(context.io, args.json, selected.release, outcome);
      context.setExit(outcome.kind === "aborted" ? ExitCode.Success : exitCodeOf(outcome));
    },
  };
}

/** Stages still on the new release: moved, and not (yet) rolled back. */
export function keptStages(progress: ReleaseProgress): string[] {
  const rolledBack = progress.rollback?.completed ? progress.rollback.stages : [];
  return [...progress.movedStages].filter((stage) => !rolledBack.includes(stage));
}

export function rollbackCommand(context: CommandContext) {
  return {
    command: "rollback",
    describe: "Flip every Outpost the release moved back to its warm old color",
    builder: (yargs: Argv) =>
      withOperatorOptions(yargs).option("reason", {
        type: "string",
        default: "rollback by an operator",
        describe: "Why (recorded)",
      }),
    handler: async (args: OperatorArgs) => {
      const { projectDir, store, selected } = await open(context, args);
      const { progress } = selected;
      const reason = args.reason ?? "rollback by an operator";
      if (progress.finished?.outcome === "succeeded") {
        const previous = Object.values(progress.baselines)[0]?.release ?? "<previous version>";
        throw new UserError(
          `release ${progress.release} is final: its old colors are scaled down, so a rollback is no longer a flip; ` +
            `deploy the previous version instead: outpost-fleet deploy --release ${previous}`,
          ExitCode.BlockedByPolicy,
        );
      }
      if (progress.finished && keptStages(progress).length === 0) {
        say(
          context.io,
          args.json,
          `nothing to roll back: release ${progress.release} finished ${progress.finished.outcome} with every Outpost back`,
        );
        context.setExit(ExitCode.NothingToDo);
        return;
      }
      if (await driverRunning(store, selected.release)) {
        await selected.journal.append({
          type: "rollback-requested",
          by: currentActor(context.io.env),
          reason,
        });
        say(
          context.io,
          args.json,
          `rollback requested: the driver of ${selected.release} rolls back at its next step boundary`,
        );
        return;
      }
      const outcome = await actNow(
        context,
        args,
        projectDir,
        selected,
        "rollback-requested",
        reason,
      );
      printOutcome(context.io, args.json, selected.release, outcome);
      context.setExit(outcome.kind === "rolled-back" ? ExitCode.Success : exitCodeOf(outcome));
    },
  };
}
