import type { ServerResponse } from "node:http";

/** One Server-Sent Events message; `id` becomes the browser's Last-Event-ID. */
export interface SseMessage {
  readonly id?: number;
  readonly event: string;
  readonly data: unknown;
}

/** A client whose unread backlog passes this is dropped; it reconnects with its Last-Event-ID. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The server side of one EventSource connection (text/event-stream, as the HTML standard
 * defines it). Messages without an `id` leave the client's last event id alone, so only
 * journal events move the point a reconnect resumes from.
 */
export class SseStream {
  private closed = false;

  constructor(private readonly response: ServerResponse) {
    response.on("close", () => {
      this.closed = true;
    });
  }

  onClose(listener: () => void): void {
    this.response.on("close", listener);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends the headers and how long the browser waits before reconnecting. */
  open(retryMs: number): void {
    this.response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      // Proxies such as nginx would otherwise buffer the stream.
      "x-accel-buffering": "no",
    });
    this.response.flushHeaders();
    this.write(`retry: ${retryMs}\n\n`);
  }

  send(message: SseMessage): void {
    const id = message.id === undefined ? "" : `id: ${message.id}\n`;
    // JSON text has no raw newlines, so the data is one `data:` line.
    this.write(`${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
  }

  /** A comment line: keeps idle connections (and proxies) from timing out. */
  keepAlive(): void {
    this.write(": keep-alive\n\n");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      this.closed = true;
      this.response.destroy();
      return;
    }
    this.response.write(text);
  }
}

/** The event id to resume after: Last-Event-ID on a reconnect, else `?after=`, else 0. */
export function resumePoint(lastEventId: string | undefined, after: string | null): number {
  for (const candidate of [lastEventId, after ?? undefined]) {
    if (candidate !== undefined && /^\d+$/.test(candidate.trim())) return Number(candidate.trim());
  }
  return 0;
}
