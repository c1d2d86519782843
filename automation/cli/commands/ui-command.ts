import type { Argv } from "yargs";
import { projectDirFrom } from "../../fleet/project-dir";
import { validateRelease } from "../../plan/plan-inputs";
import { ExitCode } from "../../support/exit-codes";
import { UserError } from "../../support/user-error";
import type { LiveServer } from "../../ui/live-server";
import type { CommandContext } from "../command-context";
import { loggerFor } from "../driver-session";
import { type LiveViewArgs, startLiveView, withLiveViewOptions } from "../live-view-options";
import { driverLauncher } from "../driver-launcher";
import { commandStore } from "../driver-places";
import {
  type CommonArgs,
  resolveSettings,
  withCommonOptions,
  withTargetOption,
} from "../rollout-options";
import { type EngineArgs, withEngineOptions } from "../engine-options";

type UiArgs = CommonArgs & EngineArgs & LiveViewArgs & { release?: string };

/** Resolves at the first SIGINT or SIGTERM. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

export function uiCommand(context: CommandContext) {
  return {
    command: "ui",
    describe: "Serve the live release view: waves, Outposts, traffic, gates and timeline, live",
    builder: (yargs: Argv) =>
      withLiveViewOptions(withEngineOptions(withTargetOption(withCommonOptions(yargs)))).option(
        "release",
        {
          type: "string",
          describe: "Release to show (default: the running one, else the one started last)",
        },
      ),
    handler: async (args: UiArgs) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const settings = resolveSettings(args, io.env);
      const { store } = commandStore(args, projectDir, io.env, settings.lock);
      const release = args.release === undefined ? undefined : validateRelease(args.release);
      if (release !== undefined && !(await store.journals.releases()).includes(release)) {
        const known = await store.journals.releases();
        throw new UserError(
          `--release = "${release}": no journal for it in ${store.place}; known releases: ${known.join(", ") || "(none)"}`,
        );
      }
      const log = loggerFor(io, args.json);
      const started: { server?: LiveServer } = {};
      const session = await startLiveView({
        io,
        args,
        store,
        release,
        approval: settings.approval,
        // A driver started from the page (resume, abort) tells the page of each event at once.
        launch: driverLauncher(io, args, projectDir, context.commandLine, {
          onEvent: () => started.server?.nudge(),
        }),
        log,
      });
      started.server = session.server;
      const signal = await untilStopped();
      log.info(`${signal}: stopping the live view`);
      // A driver started from the page got the same signal: it pauses at its next boundary.
      await session.server.settled();
      await session.server.stop();
      context.setExit(ExitCode.Success);
    },
  };
}
