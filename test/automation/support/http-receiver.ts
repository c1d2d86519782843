import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

/** How the receiver answers one request: a status (and body), hang forever, or drop the socket. */
export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | "hang"
  | "drop";

/**
 * A real HTTP server on loopback that records every request: the webhook receiver of the
 * notification tests (Slack, Teams and generic sinks all POST JSON to it).
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor(
    private readonly answer: (request: ReceivedRequest, index: number) => Answer,
  ) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        const received: ReceivedRequest = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body,
          at: Date.now(),
        };
        this.requests.push(received);
        const answer = this.answer(received, this.requests.length - 1);
        if (answer === "hang") {
          this.hanging.add(res);
          return;
        }
        if (answer === "drop") {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(answer.body ?? "ok");
      });
    });
  }

  static async start(
    answer: (request: ReceivedRequest, index: number) => Answer = () => ({ status: 200 }),
  ): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(answer);
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  on(pathPrefix: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  async stop(): Promise<void> {
    this.hanging.forEach((res) => res.destroy());
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
