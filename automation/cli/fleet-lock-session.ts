import { describeHolder, FleetLock } from "../journal/fleet-lock";
import { currentActor } from "../journal/journal-store";
import type { Logger } from "../support/logger";

/** How often a lock holder refreshes its heartbeat while it works. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

export interface FleetLockRequest {
  /** Where the lock lives (the journal folder). */
  readonly journalDir: string;
  /** The command line, recorded in the lock so a refused driver can name what holds it. */
  readonly command: string;
  /** What the holder works on: a release, or the operation (`repair`, `drift`). */
  readonly release: string;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs `work` as the one driver of the fleet: takes the fleet lock (taking over a stale one,
 * naming its holder; refusing a live one with exit code Locked), keeps its heartbeat while
 * `work` runs, and always gives it back. Every command that changes stacks goes through here.
 */
export async function withFleetLock<T>(
  request: FleetLockRequest,
  work: (lock: FleetLock) => Promise<T>,
): Promise<T> {
  const actor = currentActor(request.env);
  const lock = FleetLock.acquire(
    request.journalDir,
    { ...actor, command: request.command, release: request.release },
    {},
    (holder, why) =>
      request.log.warn(`took over a stale fleet lock (${why}): ${describeHolder(holder)}`),
  );
  const heartbeat = setInterval(() => lock.heartbeat(), HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  try {
    return await work(lock);
  } finally {
    clearInterval(heartbeat);
    lock.release();
  }
}
