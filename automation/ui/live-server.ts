import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { DriverLauncher } from "../operations/operator-actions";
import type { ApprovalPolicy } from "../progress/approval-wait";
import type { Actor } from "../journal/journal-events";
import type { FleetStore } from "../store/fleet-store";
import { validateRelease } from "../plan/plan-inputs";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { UserError } from "../support/user-error";
import { carriesToken } from "./action-token";
import { OperatorApi, parseActionRequest } from "./operator-api";
import { renderPage } from "./page-render";
import { ReleaseStreams } from "./release-streams";
import { resumePoint, SseStream } from "./sse-stream";
import { ASSET_PATHS, loadAssets } from "./static-assets";

export interface LiveServerOptions {
  readonly store: FleetStore;
  /** The release to show; without it the page follows the running release, else the latest. */
  readonly release?: string;
  /** Default 127.0.0.1: the page and its actions are for this machine only. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** How often the journal is read again while a page listens. */
  readonly pollMs: number;
  /** The settings' approval policy (a release's own `--approve` wins), for "waiting for approval". */
  readonly approval: ApprovalPolicy;
  /** Operator actions; absent: POST /api/* is refused. */
  readonly actions?: {
    readonly token: string;
    readonly actor: Actor;
    readonly launch: DriverLauncher;
  };
  readonly log: Logger;
}

const RETRY_MS = 1000;
const MAX_BODY_BYTES = 16 * 1024;

/** Everything the page loads comes from this server; nothing inline but style attributes. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * The live release view over HTTP: the page at `/`, Server-Sent Events at `/events` (one
 * message per journal event, its `seq` as the SSE id, so a reconnect with Last-Event-ID
 * resumes exactly after the last event the page got; see ReleaseStreams), the page's script and
 * stylesheet, and operator actions at `POST /api/<action>` when allowed, with the token. It
 * reads the journal only through the store (a folder or S3).
 */
export class LiveServer {
  private readonly server: http.Server;
  private readonly assets = loadAssets();
  private readonly streams: ReleaseStreams;
  private readonly api: OperatorApi | undefined;
  private address: AddressInfo | undefined;

  constructor(private readonly options: LiveServerOptions) {
    this.streams = new ReleaseStreams({
      store: options.store,
      release: options.release,
      pollMs: options.pollMs,
      approval: options.approval,
      actions: options.actions !== undefined,
      log: options.log,
    });
    this.server = http.createServer((request, response) => {
      this.route(request, response).catch((err: unknown) => {
        options.log.error(`live view: ${request.method} ${request.url}: ${messageOf(err)}`);
        if (!response.headersSent) this.sendText(response, 500, "internal error");
        else response.end();
      });
    });
    if (options.actions) {
      this.api = new OperatorApi({
        store: options.store,
        actor: options.actions.actor,
        launch: options.actions.launch,
        log: options.log,
        defaultRelease: () => this.streams.followed,
        notice: (message, ok) => this.streams.notice(message, ok),
      });
    }
  }

  /** The page's address, once listening. */
  get url(): string {
    if (!this.address) throw new Error("the live view is not listening");
    const host =
      this.address.family === "IPv6" ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}/`;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(
          err.code === "EADDRINUSE"
            ? new UserError(
                `--port = ${this.options.port}: already in use on ${this.options.host}; choose another (0 picks a free one)`,
              )
            : err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND"
              ? new UserError(`--host = "${this.options.host}": not an address of this machine`)
              : err,
        );
      };
      this.server.once("error", onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    await this.streams.start();
    return this.url;
  }

  /** Reads the journals being watched now (the driver in this process appended an event). */
  nudge(): void {
    this.streams.nudge();
  }

  /** Resolves once a driver started from the page (if any) has ended. */
  settled(): Promise<void> {
    return this.api?.settled() ?? Promise.resolve();
  }

  /** Delivers what the journals hold now (the driver's last events), then closes. */
  async stop(): Promise<void> {
    await this.streams.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? "/", "http://live.invalid");
    if (!this.hostAllowed(request.headers.host)) {
      return this.sendText(response, 421, "unexpected Host header");
    }
    if (request.method === "POST" && url.pathname.startsWith("/api/")) {
      return this.handleAction(request, response, url.pathname.slice("/api/".length));
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return this.sendText(response, 405, "method not allowed");
    }
    const asset = this.assets.get(url.pathname);
    if (asset) {
      if (request.headers["if-none-match"] === asset.etag) {
        response.writeHead(304, { etag: asset.etag });
        return response.end();
      }
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": asset.contentType,
        "cache-control": "no-cache",
        etag: asset.etag,
      });
      return response.end(asset.body);
    }
    switch (url.pathname) {
      case "/":
        return this.handlePage(response, url);
      case "/events":
        return this.handleEvents(request, response, url);
      case "/favicon.ico":
        response.writeHead(204);
        return response.end();
      default:
        return this.sendText(response, 404, "not found");
    }
  }

  /**
   * DNS rebinding: a page on another site can resolve its own name to 127.0.0.1; such requests
   * carry that name in Host. Only this server's own addresses are answered (unless it was bound
   * to every interface on purpose).
   */
  private hostAllowed(host: string | undefined): boolean {
    const bound = this.options.host;
    if (bound === "0.0.0.0" || bound === "::") return true;
    const port = this.address?.port;
    const allowed = new Set([
      `${bound}:${port}`,
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
    ]);
    return host !== undefined && allowed.has(host.toLowerCase());
  }

  private releaseFrom(url: URL): { release: string | undefined; follow: boolean } {
    const named = url.searchParams.get("release") || undefined;
    if (named !== undefined) {
      return { release: validateRelease(named), follow: false };
    }
    return { release: this.streams.followed, follow: this.streams.following };
  }

  private async handlePage(response: http.ServerResponse, url: URL): Promise<void> {
    let selection;
    try {
      selection = this.releaseFrom(url);
    } catch (err) {
      return this.sendText(response, 400, messageOf(err));
    }
    const { release, follow } = selection;
    const { model, events } = await this.streams.pageModel(release, follow);
    if (release !== undefined && events.length === 0 && !follow) {
      const known = await this.options.store.journals.releases();
      return this.sendText(
        response,
        404,
        `no journal for release ${release}; known releases: ${known.join(", ") || "(none)"}`,
      );
    }
    const page = renderPage(model, ASSET_PATHS);
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
    });
    response.end(page);
  }

  private async handleEvents(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    let selection;
    try {
      selection = this.releaseFrom(url);
    } catch (err) {
      return this.sendText(response, 400, messageOf(err));
    }
    // A page that follows names the release it shows, and asks to hear of the next one.
    const follow = this.streams.following && url.searchParams.get("follow") === "1";
    const header = request.headers["last-event-id"];
    const lastSeq = resumePoint(
      Array.isArray(header) ? header[0] : header,
      url.searchParams.get("after"),
    );
    const stream = new SseStream(response);
    stream.open(RETRY_MS);
    await this.streams.connect(stream, selection.release, follow, lastSeq);
  }

  private async handleAction(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    action: string,
  ): Promise<void> {
    const reply = (status: number, message: string, exitCode = 2) =>
      this.sendJson(response, status, { ok: false, message, exitCode });
    if (!this.api || !this.options.actions) {
      return reply(403, "operator actions are off: start the live view with --allow-actions");
    }
    if (!carriesToken(request.headers.authorization, this.options.actions.token)) {
      return reply(401, "a valid token is required: the one printed when the live view started");
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !this.hostAllowed(hostOf(origin))) {
      return reply(403, `requests from ${origin} are not accepted`);
    }
    if (!(request.headers["content-type"] ?? "").startsWith("application/json")) {
      return reply(415, "send the action as application/json");
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(request, MAX_BODY_BYTES)) || "{}");
    } catch (err) {
      return reply(400, `the request body is not JSON: ${messageOf(err)}`);
    }
    let parsed;
    try {
      parsed = parseActionRequest(body);
    } catch (err) {
      return reply(400, messageOf(err));
    }
    const result = await this.api.perform(action, parsed);
    this.nudge();
    this.sendJson(response, result.status, result.body);
  }

  private sendText(response: http.ServerResponse, status: number, text: string): void {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": "text/plain; charset=utf-8",
    });
    response.end(`${text}\n`);
  }

  private sendJson(response: http.ServerResponse, status: number, body: object): void {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    });
    response.end(JSON.stringify(body));
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function readBody(request: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`more than ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
