import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import type { FleetStore } from "../store/fleet-store";
import type { LockClaim, LockHolder } from "./lock-holder";
import { describeHolder } from "./lock-holder";
import { LockKeeper, type LockTrouble } from "./lock-keeper";

export interface WithLockOptions {
  /** Time between heartbeats (driver.yaml `lock.heartbeatSeconds`). */
  readonly heartbeatMs: number;
  readonly log: Pick<Logger, "warn" | "error">;
  readonly onTrouble?: (trouble: LockTrouble) => void;
}

/**
 * Runs `body` as the one driver of the fleet: takes the store's lock (taking over a stale one,
 * with a warning naming its holder), beats its heartbeat while `body` runs, and gives it back
 * afterwards. Refused with exit code Locked, naming the holder, while another driver holds it.
 * Any command that changes stacks runs inside this (deploy, resume, abort, rollback, drift).
 */
export async function withFleetLock<T>(
  store: FleetStore,
  claim: LockClaim,
  options: WithLockOptions,
  body: (keeper: LockKeeper) => Promise<T>,
): Promise<T> {
  const { log } = options;
  const held = await store.lock.acquire(claim, (holder: LockHolder, why: string) =>
    log.warn(`took over a stale fleet lock (${why}): ${describeHolder(holder)}`),
  );
  const keeper = new LockKeeper(held, {
    intervalMs: options.heartbeatMs,
    onTrouble: (trouble) => {
      log.error(
        trouble.kind === "lost"
          ? `${trouble.message}; stopping without further changes`
          : `heartbeat of the fleet lock ${held.location} failed: ${trouble.message}; the driver pauses at the next step boundary`,
      );
      options.onTrouble?.(trouble);
    },
  });
  keeper.start();
  try {
    return await body(keeper);
  } finally {
    await keeper
      .stop()
      .catch((err: unknown) =>
        log.warn(
          `could not give the fleet lock ${held.location} back (${messageOf(err)}); it turns stale after its TTL`,
        ),
      );
  }
}
