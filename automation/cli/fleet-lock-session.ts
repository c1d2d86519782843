import type { FleetStack } from "../fleet/fleet-stack";
import { currentActor } from "../journal/journal-store";
import { withFleetLock } from "../lock/with-fleet-lock";
import type { DriverSettings } from "../settings/driver-settings";
import type { Logger } from "../support/logger";
import type { CliIo } from "./cli-io";
import { sessionPlaces } from "./driver-session";
import type { CommonArgs } from "./rollout-options";
import type { EngineArgs } from "./engine-options";

export interface LockedOperation {
  readonly io: CliIo;
  readonly args: CommonArgs & EngineArgs;
  readonly projectDir: string;
  readonly settings: DriverSettings;
  /** The stacks the operation touches: they choose the engine profile and the store. */
  readonly fleet: readonly FleetStack[];
  /** The command line, recorded in the lock so a refused driver can name what holds it. */
  readonly command: string;
  /** What the holder works on, shown to anyone refused: `repair`, `drift`. */
  readonly operation: string;
  readonly log: Logger;
}

/**
 * Runs an operator's operation on the stacks (`repair`, `drift`) as the one driver of the
 * fleet: under the same lock, in the same store, as `deploy` would take for these stacks. A
 * running driver makes it exit with code Locked, naming the holder.
 */
export async function underFleetLock<T>(
  request: LockedOperation,
  work: () => Promise<T>,
): Promise<T> {
  const { store } = sessionPlaces(request);
  const claim = {
    ...currentActor(request.io.env),
    command: request.command,
    release: request.operation,
  };
  return withFleetLock(
    store,
    claim,
    { heartbeatMs: request.settings.lock.heartbeatSeconds * 1000, log: request.log },
    () => work(),
  );
}
