import type { Clock } from "../../automation/support/clock";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A discrete-event clock: virtual time jumps to the earliest pending wake-up once the program
 * has nothing else to do, so concurrent sleeps of different lengths end in the order and at
 * the instants they would in real time (VirtualClock, in automation/support, ends every sleep
 * started in one tick at the latest of them). Needs a program whose only waits are this
 * clock's sleeps and promises: no real I/O or timers in flight (the bench keeps its journal
 * in memory), or time could move on while they are pending.
 */
export class EventClock implements Clock {
  private current: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  /** After a few idle turns of the event loop, wakes every sleeper due at the earliest instant. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const settle = (turns: number) =>
      setImmediate(() => {
        if (turns > 0) {
          settle(turns - 1);
          return;
        }
        this.scheduled = false;
        if (this.timers.length === 0) return;
        const at = Math.min(...this.timers.map((t) => t.at));
        this.current = Math.max(this.current, at);
        const due = this.timers.filter((t) => t.at === at).sort((a, b) => a.seq - b.seq);
        for (const timer of due) this.timers.splice(this.timers.indexOf(timer), 1);
        for (const timer of due) timer.resolve();
        if (this.timers.length > 0) this.schedule();
      });
    settle(3);
  }
}
