import type { DriverLauncher } from "../operations/operator-actions";
import type { CliIo } from "./cli-io";
import { stacksOfRelease } from "./driver-places";
import { runDriver, type SessionOptions } from "./driver-session";
import type { EngineArgs } from "./engine-options";
import { type CommonArgs, resolveSettings } from "./rollout-options";

/**
 * The CLI's way to run a driver for an operator action (resume, abort or rollback with no driver
 * running, from a command or the live view): the settings and the release's stacks are read
 * when a driver is needed, then runDriver takes the lock and wires the real engine and gates.
 */
export function driverLauncher(
  io: CliIo,
  args: CommonArgs & EngineArgs,
  projectDir: string,
  command: string,
  extra: { readonly onEvent?: SessionOptions["onEvent"] } = {},
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
