import * as http from "node:http";

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A bare Server-Sent Events reader over node:http, to check the wire format the browser reads:
 * `id`, `event` and `data` fields, messages split by blank lines.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  private request: http.ClientRequest | undefined;
  private buffer = "";
  private waiters: (() => void)[] = [];

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.request = http.get(
        url,
        { headers: { accept: "text/event-stream", ...headers } },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => client.feed(chunk));
          resolve(client);
        },
      );
      client.request.on("error", reject);
    });
  }

  journal(): { id: number; seq: number; panels: boolean; reset: boolean }[] {
    return this.events
      .filter((e) => e.event === "journal")
      .map((e) => {
        const data = JSON.parse(e.data) as { seq: number; panels?: object; reset: boolean };
        return {
          id: Number(e.id),
          seq: data.seq,
          panels: data.panels !== undefined,
          reset: data.reset,
        };
      });
  }

  /** Resolves once `predicate` holds for the events received (or rejects after `ms`). */
  async until(predicate: (events: readonly SseEvent[]) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.events)) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out; got ${JSON.stringify(this.events.map((e) => [e.id, e.event]))}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.request?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
      }
      if (fields.event !== undefined || fields.data !== undefined)
        this.events.push({
          id: fields.id,
          event: fields.event ?? "message",
          data: fields.data ?? "",
        });
    }
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
