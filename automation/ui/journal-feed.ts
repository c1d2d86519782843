import type { LockState } from "../lock/fleet-lock";
import type { JournalEvent } from "../journal/journal-events";
import { messageOf } from "../support/retry";
import type { Logger } from "../support/logger";

/** Where a feed reads: the journal of a release and the fleet lock (any store behind them). */
export interface FeedSource {
  read(release: string): Promise<readonly JournalEvent[]>;
  lock(): Promise<LockState>;
}

export interface FeedUpdate {
  /** Every event of the journal as last read. */
  readonly events: readonly JournalEvent[];
  /** Events not seen before, in order. */
  readonly added: readonly JournalEvent[];
  readonly lock: LockState;
  /** The journal no longer continues what was read before (it was replaced): start over. */
  readonly replaced: boolean;
}

const lockKey = (lock: LockState): string => JSON.stringify(lock);

/**
 * Follows the journal of one release by reading it again: every `pollMs` while anyone listens,
 * and at once on `refresh()` (the driver in this process calls it after each append). Reads are
 * serial and coalesced, so a burst of appends costs one or two reads. Polling works with any
 * store behind the ReleaseJournal interface (a file, S3).
 */
export class JournalFeed {
  private events: readonly JournalEvent[] = [];
  private lock: LockState = { state: "free" };
  private readonly listeners = new Set<(update: FeedUpdate) => void>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private scheduled: Promise<void> | undefined;
  private lastError = "";
  private stopped = false;

  constructor(
    readonly release: string,
    private readonly source: FeedSource,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  get current(): { readonly events: readonly JournalEvent[]; readonly lock: LockState } {
    return { events: this.events, lock: this.lock };
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  /** Listens for updates; polling runs while anyone listens. Returns the unsubscribe. */
  subscribe(listener: (update: FeedUpdate) => void): () => void {
    this.listeners.add(listener);
    this.schedulePoll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Reads the journal now; a call during a read queues exactly one more read after it. */
  refresh(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    const next = this.chain.then(() => {
      this.scheduled = undefined;
      return this.readOnce();
    });
    this.scheduled = next;
    this.chain = next;
    return next;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedulePoll(): void {
    if (this.timer || this.stopped || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().finally(() => this.schedulePoll());
    }, this.pollMs);
    this.timer.unref();
  }

  private async readOnce(): Promise<void> {
    let events: readonly JournalEvent[];
    let lock: LockState;
    try {
      events = await this.source.read(this.release);
      lock = await this.source.lock();
      this.lastError = "";
    } catch (err) {
      // Keep what was read before; say so once per distinct problem, not at every poll.
      const message = messageOf(err);
      if (message !== this.lastError)
        this.log.warn(`live view: cannot read the journal: ${message}`);
      this.lastError = message;
      return;
    }
    const known = this.events;
    const continues =
      events.length >= known.length &&
      (known.length === 0 || events[known.length - 1]?.seq === known[known.length - 1].seq);
    const added = continues ? events.slice(known.length) : [];
    const lockChanged = lockKey(lock) !== lockKey(this.lock);
    this.events = events;
    this.lock = lock;
    if (added.length === 0 && !lockChanged && continues) return;
    const update: FeedUpdate = { events, added, lock, replaced: !continues };
    for (const listener of [...this.listeners]) listener(update);
  }
}
