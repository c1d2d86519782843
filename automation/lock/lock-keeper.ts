import { messageOf } from "../support/retry";
import type { HeldLock } from "./fleet-lock";
import { LockLostError } from "./lock-holder";

/** What went wrong with a held lock. */
export type LockTrouble =
  | { readonly kind: "unreachable"; readonly at: string; readonly message: string }
  | { readonly kind: "lost"; readonly message: string };

export interface LockKeeperOptions {
  /** Time between heartbeats (driver.yaml `lock.heartbeatSeconds`). */
  readonly intervalMs: number;
  readonly now?: () => number;
  /** Hears about a failed heartbeat once, when it happens. */
  readonly onTrouble?: (trouble: LockTrouble) => void;
}

/**
 * Beats a held lock's heartbeat every `intervalMs`, one beat at a time (each S3 beat carries
 * the ETag of the one before). The first failed beat is remembered: a driver that could not
 * prove it still holds the lock must stop at its next step boundary, and one whose lock was
 * taken over must stop changing anything at once.
 */
export class LockKeeper {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastBeat = 0;
  private problem: LockTrouble | undefined;

  constructor(
    readonly lock: HeldLock,
    private readonly options: LockKeeperOptions,
  ) {}

  start(): void {
    this.lastBeat = this.now();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref();
  }

  /** The first trouble since the lock was taken, if any. */
  get trouble(): LockTrouble | undefined {
    return this.problem;
  }

  /** A beat now, unless one happened within the last second (called on journal events). */
  touch(): void {
    if (this.now() - this.lastBeat >= Math.min(1000, this.options.intervalMs)) void this.beat();
  }

  /** One heartbeat after those already under way; never rejects (see `trouble`). */
  beat(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.problem?.kind === "lost") return;
      this.lastBeat = this.now();
      try {
        await this.lock.heartbeat();
      } catch (err) {
        const trouble: LockTrouble =
          err instanceof LockLostError
            ? { kind: "lost", message: err.message }
            : {
                kind: "unreachable",
                at: new Date(this.now()).toISOString(),
                message: messageOf(err),
              };
        // A lost lock outranks an earlier unreachable store.
        if (this.problem === undefined || trouble.kind === "lost") {
          this.problem = trouble;
          this.options.onTrouble?.(trouble);
        }
      }
    });
    return this.chain;
  }

  /** Throws LockLostError once the lock belongs to someone else. */
  assertHeld(): void {
    if (this.problem?.kind === "lost") throw new LockLostError(this.problem.message);
  }

  /** Stops beating, waits for a beat under way, and gives the lock back if it is still ours. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    if (this.problem?.kind !== "lost") await this.lock.release();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
