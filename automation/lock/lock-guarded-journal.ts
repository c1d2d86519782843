import type { Actor, JournalEvent, JournalEventBody } from "../journal/journal-events";
import type { LockKeeper } from "./lock-keeper";
import type { ReleaseJournal } from "../journal/release-journal";
import { StoreUnavailableError } from "../store/s3/s3-bucket";

/**
 * The journal as the driver that holds the lock sees it. The executor reads the journal at
 * every step boundary; that is where this wrapper acts on the lock's trouble:
 * - the lock was taken over: nothing more is read or written (LockLostError);
 * - a heartbeat failed (the store did not answer): once the store answers again, a
 *   `pause-requested` by this driver is recorded, so the executor pauses right there, with
 *   every event kept; while the store still does not answer, the read fails with
 *   StoreUnavailableError and the driver stops at that boundary.
 * Appends go straight through (and count as a heartbeat): they are refused only once the
 * lock is lost.
 */
export class LockGuardedJournal implements ReleaseJournal {
  private pauseRecorded = false;

  constructor(
    private readonly inner: ReleaseJournal,
    private readonly keeper: LockKeeper,
    private readonly actor: Actor,
    /** Told once why the driver pauses. */
    private readonly onPause: (reason: string) => void = () => undefined,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  async read(): Promise<{ events: JournalEvent[]; tornTail: boolean }> {
    this.keeper.assertHeld();
    const trouble = this.keeper.trouble;
    if (trouble?.kind === "unreachable" && !this.pauseRecorded) {
      await this.keeper.beat();
      this.keeper.assertHeld();
      // Still unreachable: the append below fails and stops the driver at this boundary.
      this.onPause(
        `the fleet lock's heartbeat failed at ${trouble.at} (${trouble.message}); ` +
          `pausing at this step boundary: run resume to continue`,
      );
      await this.inner.append({ type: "pause-requested", by: this.actor });
      this.pauseRecorded = true;
    }
    return this.inner.read();
  }

  async append(body: JournalEventBody): Promise<JournalEvent> {
    this.keeper.assertHeld();
    const event = await this.inner.append(body);
    this.keeper.touch();
    return event;
  }
}

/** True for failures that mean "the store did not answer", as opposed to a bug or damage. */
export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}
