import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import type { CommandContext } from "../command-context";
import { printOutcome } from "../outcome-text";
import { commandStore } from "../driver-places";
import { resumeRelease } from "../../operations/operator-actions";
import { actionExitCode } from "../action-text";
import { driverLauncher } from "../driver-launcher";
import { selectRelease } from "../../operations/release-selection";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { type EngineArgs, withEngineOptions, withTimingsOption } from "../engine-options";

export function resumeCommand(context: CommandContext) {
  return {
    command: "resume",
    describe: "Continue a paused, blocked or killed release from its journal",
    builder: (yargs: Argv) =>
      withTimingsOption(withEngineOptions(withTargetOption(withCommonOptions(yargs)))).option(
        "release",
        {
          type: "string",
          describe: "Release to resume (default: the one started last)",
        },
      ),
    handler: async (args: CommonArgs & EngineArgs & { release?: string }) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const settings = resolveSettings(args, io.env);
      const { store } = commandStore(args, projectDir, io.env, settings.lock);
      const selected = await selectRelease(store, args.release);
      const launch = driverLauncher(io, args, projectDir, context.commandLine);
      const result = await resumeRelease({ store, selected, launch });
      printOutcome(io, args.json, selected.release, result.outcome);
      context.setExit(actionExitCode(result));
    },
  };
}
