import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import { journalDirFrom, JournalStore } from "../../journal/journal-store";
import { type CommandContext, printOutcome } from "../command-context";
import { driverLauncher, resumeRelease } from "../operator-actions";
import { selectRelease } from "../release-selection";
import { type CommonArgs, withCommonOptions } from "../rollout-options";
import { type EngineArgs, withEngineOptions } from "../runtime";

export function resumeCommand(context: CommandContext) {
  return {
    command: "resume",
    describe: "Continue a paused, blocked or killed release from its journal",
    builder: (yargs: Argv) =>
      withEngineOptions(withCommonOptions(yargs)).option("release", {
        type: "string",
        describe: "Release to resume (default: the one started last)",
      }),
    handler: async (args: CommonArgs & EngineArgs & { release?: string }) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const store = new JournalStore(journalDirFrom(args["journal-dir"], projectDir, io.env));
      const selected = await selectRelease(store, args.release);
      const launch = driverLauncher(io, args, projectDir, context.commandLine);
      const result = await resumeRelease({ store, selected, launch });
      if (result.kind === "outcome") printOutcome(io, args.json, selected.release, result.outcome);
      context.setExit(result.exitCode);
    },
  };
}
