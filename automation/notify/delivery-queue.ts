import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import type { Notification } from "./notification";
import { redactUrl } from "./sink-url";

/** One HTTP POST; resolves with the status (any), rejects on network errors and timeouts. */
export type HttpPost = (
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
) => Promise<{
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}>;

export const fetchPost: HttpPost = async (url, body, headers, timeoutMs) => {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
  });
  const text = (await response.text()).slice(0, 300);
  return { status: response.status, retryAfter: response.headers.get("retry-after"), text };
};

export interface DeliveryPolicy {
  readonly queueSize: number;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
}

export interface SinkTarget {
  readonly name: string;
  /** The URL, resolved once (from the environment or Secrets Manager) on first use. */
  readonly url: () => Promise<string>;
  /** The HTTP body for a notification. */
  readonly body: (n: Notification, sentAt: string) => unknown;
}

/** 408, 429 and 5xx are worth another try; any other answer is final. */
export const retryableStatus = (status: number) =>
  status === 408 || status === 429 || status >= 500;

/**
 * One sink's outbox: bounded, delivered in order by one worker, off the driver's path. Each
 * notification is tried up to `maxAttempts` times with exponential backoff (doubling from
 * `initialBackoffMs`, capped at `maxBackoffMs`; a 429's Retry-After is honoured within the
 * cap) on 5xx, 408, 429, timeouts and network errors. A full queue drops its oldest entry.
 * Nothing here throws into the caller; outcomes are logged with the sink's name, never its URL.
 */
export class DeliveryQueue {
  private readonly queue: Notification[] = [];
  private worker: Promise<void> | undefined;
  private stopped = false;
  private disabled: string | undefined;
  private wake: (() => void) | undefined;
  delivered = 0;
  failed = 0;
  dropped = 0;

  constructor(
    private readonly sink: SinkTarget,
    private readonly policy: DeliveryPolicy,
    private readonly log: Logger,
    private readonly post: HttpPost = fetchPost,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  offer(notification: Notification): void {
    if (this.stopped || this.disabled) return;
    if (this.queue.length >= this.policy.queueSize) {
      const oldest = this.queue.shift();
      this.dropped++;
      this.log.warn(
        `notification sink "${this.sink.name}": queue full (${this.policy.queueSize}); dropped ${oldest?.event} of seq ${oldest?.journalSeq}`,
      );
    }
    this.queue.push(notification);
    this.worker ??= this.work().finally(() => {
      this.worker = undefined;
    });
  }

  /** Resolves when the queue is empty (or the sink stopped). */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  /** Stops at once: waits no more, sends no more. Returns how many were left undelivered. */
  abandon(): number {
    this.stopped = true;
    this.wake?.();
    const left = this.queue.length;
    this.queue.length = 0;
    return left;
  }

  private async work(): Promise<void> {
    let url: string;
    try {
      url = await this.sink.url();
    } catch (err) {
      this.disabled = messageOf(err);
      this.failed += this.queue.length;
      this.queue.length = 0;
      this.log.warn(`notification sink "${this.sink.name}" is off: ${this.disabled}`);
      return;
    }
    while (this.queue.length > 0 && !this.stopped) {
      const notification = this.queue[0];
      const ok = await this.deliver(notification, url);
      if (this.stopped) return;
      this.queue.shift();
      if (ok) this.delivered++;
      else this.failed++;
    }
  }

  private async deliver(n: Notification, url: string): Promise<boolean> {
    const { maxAttempts, initialBackoffMs, maxBackoffMs, timeoutMs } = this.policy;
    const name = this.sink.name;
    let problem = "";
    for (let attempt = 1; attempt <= maxAttempts && !this.stopped; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const body = JSON.stringify(this.sink.body(n, new Date().toISOString()));
        const answer = await this.post(
          url,
          body,
          {
            "content-type": "application/json",
            "user-agent": "outpost-fleet",
            "idempotency-key": n.idempotencyKey,
          },
          timeoutMs,
        );
        if (answer.status >= 200 && answer.status < 300) {
          this.log.debug(`notification sink "${name}": ${n.event} delivered (attempt ${attempt})`);
          return true;
        }
        problem = `HTTP ${answer.status}${answer.text ? ` ${redactUrl(answer.text.trim(), url)}` : ""}`;
        if (!retryableStatus(answer.status)) break;
        retryAfterMs = retryAfterToMs(answer.retryAfter);
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause;
        problem = redactUrl(`${messageOf(err)}${cause ? ` (${messageOf(cause)})` : ""}`, url);
      }
      if (attempt < maxAttempts) {
        const backoff = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
        await this.sleep(Math.min(maxBackoffMs, Math.max(backoff, retryAfterMs ?? 0)));
      }
    }
    if (!this.stopped)
      this.log.warn(
        `notification sink "${name}": gave up on ${n.event} (seq ${n.journalSeq}): ${problem}`,
      );
    return false;
  }

  /** A wait that `abandon()` cuts short; it never keeps the process alive. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterToMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
