import type { Argv } from "yargs";
import { exitCodeOf } from "../../executor/run-outcome";
import { projectDirFrom } from "../../fleet/project-dir";
import { type CommandContext, printOutcome } from "../command-context";
import { commandStore, stacksOfRelease } from "../driver-places";
import { runDriver } from "../driver-session";
import { selectRelease } from "../release-selection";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { type EngineArgs, withEngineOptions } from "../runtime";

export function resumeCommand(context: CommandContext) {
  return {
    command: "resume",
    describe: "Continue a paused, blocked or killed release from its journal",
    builder: (yargs: Argv) =>
      withEngineOptions(withTargetOption(withCommonOptions(yargs))).option("release", {
        type: "string",
        describe: "Release to resume (default: the one started last)",
      }),
    handler: async (args: CommonArgs & EngineArgs & { release?: string }) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const settings = resolveSettings(args, io.env);
      const { store } = commandStore(args, projectDir, io.env, settings.lock);
      const { release, progress } = await selectRelease(store, args.release);
      const outcome = await runDriver(
        {
          io,
          args,
          projectDir,
          settings,
          fleet: stacksOfRelease(projectDir, progress.plan),
          release,
          command: context.commandLine,
        },
        (executor) => executor.resume(),
      );
      printOutcome(io, args.json, release, outcome);
      context.setExit(exitCodeOf(outcome));
    },
  };
}
