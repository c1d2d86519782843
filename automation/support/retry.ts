import type { Clock } from "./clock";

/**
 * Runs `action` up to `attempts` times, waiting 1s, 2s, 4s... between tries, while `retryable`
 * says the error is worth another try. Returns the first success or throws the last error.
 */
export async function withRetries<T>(
  action: () => Promise<T>,
  options: {
    readonly attempts: number;
    readonly clock: Clock;
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly retryable?: (err: unknown) => boolean;
    readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const base = options.baseDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (err) {
      if (attempt >= options.attempts || !(options.retryable?.(err) ?? true)) throw err;
      const delay = Math.min(options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
      options.onRetry?.(err, attempt, delay);
      await options.clock.sleep(delay);
    }
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
