import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import { currentActor } from "../../journal/journal-store";
import type { CliIo } from "../cli-io";
import type { CommandContext } from "../command-context";
import { printOutcome } from "../outcome-text";
import { commandStore } from "../driver-places";
import {
  abortRelease,
  type ActionResult,
  type ActionScope,
  pauseRelease,
  promoteRelease,
  rollbackRelease,
} from "../../operations/operator-actions";
import { actionExitCode, actionMessage } from "../action-text";
import { driverLauncher } from "../driver-launcher";
import { selectRelease } from "../../operations/release-selection";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { type EngineArgs, withEngineOptions } from "../engine-options";

type OperatorArgs = CommonArgs & EngineArgs & { release?: string; reason?: string; wave?: string };

function withOperatorOptions<T>(yargs: Argv<T>) {
  return withEngineOptions(withTargetOption(withCommonOptions(yargs))).option("release", {
    type: "string",
    describe: "Release to act on (default: the running one, else the one started last)",
  });
}

async function open(context: CommandContext, args: OperatorArgs): Promise<ActionScope> {
  const projectDir = projectDirFrom(args["project-dir"], context.io.env);
  const settings = resolveSettings(args, context.io.env);
  const { store } = commandStore(args, projectDir, context.io.env, settings.lock);
  return {
    store,
    selected: await selectRelease(store, args.release),
    actor: currentActor(context.io.env),
    launch: driverLauncher(context.io, args, projectDir, context.commandLine),
  };
}

function say(io: CliIo, json: boolean, message: string, fields: object = {}): void {
  io.stdout.write(json ? `${JSON.stringify({ message, ...fields })}\n` : `${message}\n`);
}

/** Prints what an action did and sets the exit code. */
function report(
  context: CommandContext,
  args: OperatorArgs,
  release: string,
  result: ActionResult,
): void {
  const message = actionMessage(result);
  if (message !== undefined) say(context.io, args.json, message);
  else if (result.kind === "ran") printOutcome(context.io, args.json, release, result.outcome);
  context.setExit(actionExitCode(result));
}

export function pauseCommand(context: CommandContext) {
  return {
    command: "pause",
    describe: "Ask the running driver to stop at its next step boundary",
    builder: (yargs: Argv) => withOperatorOptions(yargs),
    handler: async (args: OperatorArgs) => {
      const scope = await open(context, args);
      report(context, args, scope.selected.release, await pauseRelease(scope));
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
      const scope = await open(context, args);
      report(context, args, scope.selected.release, await promoteRelease(scope, args.wave));
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
      const scope = await open(context, args);
      const reason = args.reason ?? "aborted by an operator";
      report(context, args, scope.selected.release, await abortRelease(scope, reason));
    },
  };
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
      const scope = await open(context, args);
      const reason = args.reason ?? "rollback by an operator";
      report(context, args, scope.selected.release, await rollbackRelease(scope, reason));
    },
  };
}
