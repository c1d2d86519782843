import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import { ExitCode } from "../../support/exit-codes";
import type { CommandContext } from "../command-context";
import { commandStore, describePlaces } from "../driver-places";
import { selectRelease } from "../../operations/release-selection";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { releaseHistory, statusView } from "../../operations/status-report";
import { formatHistory, formatStatus } from "../status-text";
import { servedVersionsFromJournal } from "../../progress/served-versions";

export function statusCommand(context: CommandContext) {
  return {
    command: "status",
    describe: "Show the current release from its journal, or --history of past releases",
    builder: (yargs: Argv) =>
      withTargetOption(withCommonOptions(yargs))
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
      const settings = resolveSettings(args, io.env);
      const { store, place, profile } = commandStore(args, projectDir, io.env, settings.lock);
      const places = describePlaces(profile, place);
      const footer = `backend: ${places.backend}\njournal: ${places.journal}\n`;
      if (args.history) {
        const entries = releaseHistory(await store.journals.allJournals());
        io.stdout.write(
          args.json
            ? `${JSON.stringify({ ...places, history: entries })}\n`
            : `${formatHistory(entries)}\n${footer}`,
        );
        return;
      }
      if ((await store.journals.latestRelease()) === undefined && args.release === undefined) {
        io.stdout.write(
          args.json
            ? `${JSON.stringify({ ...places, status: null })}\n`
            : `no release has been started\n${footer}`,
        );
        context.setExit(ExitCode.Success);
        return;
      }
      const { progress, journal } = await selectRelease(store, args.release);
      const served = servedVersionsFromJournal((await journal.read()).events);
      const view = statusView(progress, await store.lock.inspect(), served);
      io.stdout.write(
        args.json
          ? `${JSON.stringify({ ...places, status: view })}\n`
          : `${formatStatus(view)}\n${footer}`,
      );
      // A fleet left on two versions is not a success, whatever the release's outcome.
      context.setExit(
        view.consistency?.kind === "split" ? ExitCode.DriftDetected : ExitCode.Success,
      );
    },
  };
}
