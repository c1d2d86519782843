import type { LockClaim, LockHolder, LockState } from "./lock-holder";

export {
  describeHolder,
  type LockClaim,
  type LockHolder,
  LockLostError,
  type LockOptions,
  type LockState,
} from "./lock-holder";

/**
 * One driver per fleet: the lock of the stacks that one journal place serves. Its holder
 * beats a heartbeat; another driver is refused (exit 5, naming the holder) until the holder
 * is gone (its process, on the same machine) or its heartbeat is older than the TTL, and then
 * takes the lock over in one atomic step, so of two drivers racing for it only one wins.
 * Implementations: a file (FileFleetLock) and an S3 object with conditional writes (S3FleetLock).
 */
export interface FleetLock {
  /** Where it lives, for messages. */
  readonly location: string;
  inspect(): Promise<LockState>;
  /**
   * Takes the lock, or rejects with a UserError (exit code Locked) naming the holder. A stale
   * lock is taken over; `onStale` hears whose it was first.
   */
  acquire(claim: LockClaim, onStale?: (holder: LockHolder, why: string) => void): Promise<HeldLock>;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly holder: LockHolder;
  readonly location: string;
  /**
   * Refreshes the heartbeat. Rejects with LockLostError when another driver took the lock
   * over, and with StoreUnavailableError when the store did not answer.
   */
  heartbeat(): Promise<void>;
  /** Gives the lock back if it is still ours; never removes someone else's. */
  release(): Promise<void>;
}
