import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import { FleetLock } from "../../journal/fleet-lock";
import { journalDirFrom, JournalStore } from "../../journal/journal-store";
import { ExitCode } from "../../support/exit-codes";
import type { CommandContext } from "../command-context";
import { selectRelease } from "../release-selection";
import { type CommonArgs, withCommonOptions } from "../rollout-options";
import { formatHistory, formatStatus, releaseHistory, statusView } from "../status-report";

export function statusCommand(context: CommandContext) {
  return {
    command: "status",
    describe: "Show the current release from its journal, or --history of past releases",
    builder: (yargs: Argv) =>
      withCommonOptions(yargs)
        .option("release", {
          type: "string",
          describe: "Release to show (default: the running one, else the last)",
        })
        .option("history", {
          type: "boolean",
          default: false,
          describe: "List past releases: who, when, outcome",
        }),
    handler: async (args: CommonArgs & { release?: string; history: boolean }) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const store = new JournalStore(journalDirFrom(args["journal-dir"], projectDir, io.env));
      if (args.history) {
        const entries = releaseHistory(await store.allJournals());
        io.stdout.write(
          args.json ? `${JSON.stringify({ history: entries })}\n` : `${formatHistory(entries)}\n`,
        );
        return;
      }
      if ((await store.latestRelease()) === undefined && args.release === undefined) {
        io.stdout.write(
          args.json
            ? `${JSON.stringify({ status: null })}\n`
            : `no release has been started (journal folder ${store.dir})\n`,
        );
        context.setExit(ExitCode.Success);
        return;
      }
      const { progress } = await selectRelease(store, args.release);
      const view = statusView(progress, FleetLock.inspect(store.dir));
      io.stdout.write(
        args.json ? `${JSON.stringify({ status: view })}\n` : `${formatStatus(view)}\n`,
      );
    },
  };
}
