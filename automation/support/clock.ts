/**
 * Time as a dependency: the driver never calls setTimeout or Date.now directly, so tests and the
 * bench can run hours of bake time in milliseconds.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * A clock that jumps forward instead of waiting. Sleeps that start at the same virtual instant
 * end at the same instant (time advances to the latest wake-up, it does not add up), so
 * concurrent waits behave like real parallel waits. Deterministic; no real timers.
 */
export class VirtualClock implements Clock {
  constructor(private current = Date.UTC(2025, 0, 6, 9, 0, 0)) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const wakeAt = this.current + Math.max(0, ms);
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        if (signal?.aborted) return reject(signal.reason);
        this.current = Math.max(this.current, wakeAt);
        resolve();
      });
    });
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
