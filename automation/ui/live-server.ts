import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { DriverLauncher } from "../cli/operator-actions";
import { releaseHistory, type HistoryEntry } from "../cli/status-report";
import type { ApprovalPolicy } from "../journal/approval-wait";
import { FleetLock, type LockState } from "../journal/fleet-lock";
import type { Actor, JournalEvent } from "../journal/journal-events";
import type { JournalStore } from "../journal/journal-store";
import { validateRelease } from "../plan/plan-inputs";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { UserError } from "../support/user-error";
import { carriesToken } from "./action-token";
import { JournalFeed, type FeedUpdate } from "./journal-feed";
import { OperatorApi, parseActionRequest } from "./operator-api";
import { renderPage, renderPanels, renderTimelineEntry } from "./page-render";
import { releaseView, type PageModel } from "./release-view";
import { resumePoint, SseStream } from "./sse-stream";
import { ASSET_PATHS, loadAssets } from "./static-assets";

export interface LiveServerOptions {
  readonly store: JournalStore;
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

interface Client {
  readonly stream: SseStream;
  readonly release: string | undefined;
  readonly follow: boolean;
  lastSeq: number;
  unsubscribe: () => void;
}

const RETRY_MS = 1000;
const KEEP_ALIVE_MS = 15_000;
const MAX_BODY_BYTES = 16 * 1024;

/** Everything the page loads comes from this server; nothing inline but style attributes. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Events after which the history table changes. */
const HISTORY_EVENTS = new Set<JournalEvent["type"]>([
  "release-started",
  "release-finished",
  "resumed",
  "rollback-requested",
]);

/**
 * The live release view: the page at `/`, Server-Sent Events at `/events` (one message per
 * journal event, its `seq` as the SSE id, so a reconnect with Last-Event-ID resumes exactly
 * after the last event the page got), and operator actions at `POST /api/<action>` when
 * allowed, with the token. It reads the journal only through the JournalStore.
 */
export class LiveServer {
  private readonly server: http.Server;
  private readonly assets = loadAssets();
  private readonly feeds = new Map<string, JournalFeed>();
  /** Per release: how many streams watch its feed, and how to stop listening. */
  private readonly watches = new Map<string, { count: number; stop: () => void }>();
  private readonly clients = new Set<Client>();
  private readonly api: OperatorApi | undefined;
  private followed: string | undefined;
  private followKey = "";
  private history: readonly HistoryEntry[] = [];
  private timers: NodeJS.Timeout[] = [];
  private address: AddressInfo | undefined;

  constructor(private readonly options: LiveServerOptions) {
    this.followed = options.release;
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
        defaultRelease: () => this.followed,
        notice: (message, ok) => this.broadcastNotice(message, ok),
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
    if (this.options.release === undefined) await this.checkFollowed();
    await this.refreshHistory();
    const keepAlive = setInterval(
      () => this.clients.forEach((c) => c.stream.keepAlive()),
      KEEP_ALIVE_MS,
    );
    keepAlive.unref();
    this.timers.push(keepAlive);
    if (this.options.release === undefined) {
      const follow = setInterval(
        () => {
          this.checkFollowed().catch((err: unknown) =>
            this.options.log.warn(`live view: cannot list the releases: ${messageOf(err)}`),
          );
        },
        Math.max(1000, this.options.pollMs * 2),
      );
      follow.unref();
      this.timers.push(follow);
    }
    return this.url;
  }

  /** Reads the journals being watched now (the driver in this process appended an event). */
  nudge(): void {
    for (const feed of this.feeds.values()) if (feed.listening) void feed.refresh();
  }

  /** Resolves once a driver started from the page (if any) has ended. */
  settled(): Promise<void> {
    return this.api?.settled() ?? Promise.resolve();
  }

  /** Delivers what the journals hold now (the driver's last events), then closes. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.watches.keys()].map((release) => this.feeds.get(release)?.refresh()),
    );
    this.timers.forEach((timer) => clearInterval(timer));
    this.timers = [];
    for (const client of this.clients) {
      client.unsubscribe();
      client.stream.close();
    }
    this.clients.clear();
    this.watches.forEach((watch) => watch.stop());
    this.watches.clear();
    this.feeds.forEach((feed) => feed.stop());
    this.feeds.clear();
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
    return { release: this.followed, follow: this.options.release === undefined };
  }

  private feedFor(release: string): JournalFeed {
    let feed = this.feeds.get(release);
    if (!feed) {
      const { store, pollMs, log } = this.options;
      feed = new JournalFeed(
        release,
        {
          read: async (name) => (await store.journal(name).read()).events,
          lock: () => FleetLock.inspect(store.dir),
        },
        pollMs,
        log,
      );
      this.feeds.set(release, feed);
    }
    return feed;
  }

  private model(
    release: string | undefined,
    events: readonly JournalEvent[],
    lock: LockState,
    follow: boolean,
  ): PageModel {
    return {
      journal: this.options.store.dir,
      view: release === undefined ? undefined : releaseView(events, lock, this.options.approval),
      history: this.history,
      actions: this.api !== undefined,
      follow,
    };
  }

  private async handlePage(response: http.ServerResponse, url: URL): Promise<void> {
    let selection;
    try {
      selection = this.releaseFrom(url);
    } catch (err) {
      return this.sendText(response, 400, messageOf(err));
    }
    const { release, follow } = selection;
    let events: readonly JournalEvent[] = [];
    let lock: LockState = FleetLock.inspect(this.options.store.dir);
    if (release !== undefined) {
      const feed = this.feedFor(release);
      await feed.refresh();
      ({ events, lock } = feed.current);
      if (events.length === 0 && !follow) {
        const known = await this.options.store.releases();
        return this.sendText(
          response,
          404,
          `no journal for release ${release}; known releases: ${known.join(", ") || "(none)"}`,
        );
      }
    }
    await this.refreshHistory();
    const page = renderPage(this.model(release, events, lock, follow), ASSET_PATHS);
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
    const follow = this.options.release === undefined && url.searchParams.get("follow") === "1";
    const header = request.headers["last-event-id"];
    const client: Client = {
      stream: new SseStream(response),
      release: selection.release,
      follow,
      lastSeq: resumePoint(
        Array.isArray(header) ? header[0] : header,
        url.searchParams.get("after"),
      ),
      unsubscribe: () => undefined,
    };
    client.stream.open(RETRY_MS);
    this.clients.add(client);
    response.on("close", () => {
      client.unsubscribe();
      this.clients.delete(client);
    });
    if (client.release === undefined) return;
    const feed = this.feedFor(client.release);
    await feed.refresh();
    const { events, lock } = feed.current;
    if (!client.stream.isOpen) return;
    const last = events.at(-1)?.seq ?? 0;
    if (client.lastSeq > last) {
      // The page shows events this journal does not have: it was replaced; start over.
      client.stream.send({ event: "release", data: { release: client.release } });
      return;
    }
    const start = events.filter((e) => e.type === "release-started").at(-1)?.seq ?? 1;
    // A page that has not seen the latest attempt's start gets the attempt from its start.
    const backlog = events.filter(
      (e) => e.seq > client.lastSeq && (client.lastSeq >= start || e.seq >= start),
    );
    this.deliver(client, backlog, this.model(client.release, events, lock, client.follow));
    client.unsubscribe = this.watch(feed);
  }

  /** The feed polls while at least one stream watches it; its updates go to every client. */
  private watch(feed: JournalFeed): () => void {
    let entry = this.watches.get(feed.release);
    if (!entry) {
      entry = { count: 0, stop: feed.subscribe((update) => this.onFeedUpdate(feed, update)) };
      this.watches.set(feed.release, entry);
    }
    entry.count++;
    let watching = true;
    return () => {
      if (!watching || !entry) return;
      watching = false;
      if (--entry.count === 0) {
        entry.stop();
        this.watches.delete(feed.release);
      }
    };
  }

  private onFeedUpdate(feed: JournalFeed, update: FeedUpdate): void {
    const clients = [...this.clients].filter((c) => c.release === feed.release);
    if (update.replaced) {
      clients.forEach((c) => c.stream.send({ event: "release", data: { release: feed.release } }));
      return;
    }
    if (clients.length > 0) {
      const model = this.model(feed.release, update.events, update.lock, false);
      for (const client of clients) {
        this.deliver(
          client,
          update.added.filter((e) => e.seq > client.lastSeq),
          { ...model, follow: client.follow },
        );
      }
    }
    if (update.added.some((e) => HISTORY_EVENTS.has(e.type))) {
      this.refreshHistory()
        .then(() => this.broadcastViews())
        .catch((err: unknown) => this.options.log.warn(`live view: history: ${messageOf(err)}`));
    }
  }

  /** Sends `events` (one message each, its seq as id), then the panels as of the last one. */
  private deliver(client: Client, events: readonly JournalEvent[], model: PageModel): void {
    const panels = panelMarkup(model);
    const entries = new Map((model.view?.timeline ?? []).map((entry) => [entry.seq, entry]));
    const sendable = events.filter((e) => entries.has(e.seq));
    sendable.forEach((event, index) => {
      const entry = entries.get(event.seq);
      if (!entry) return;
      client.stream.send({
        id: event.seq,
        event: "journal",
        data: {
          seq: event.seq,
          reset: event.type === "release-started",
          row: renderTimelineEntry(entry).markup,
          panels: index === sendable.length - 1 ? panels : undefined,
        },
      });
      client.lastSeq = event.seq;
    });
    if (sendable.length === 0) client.stream.send({ event: "view", data: { panels } });
  }

  private broadcastViews(): void {
    for (const client of this.clients) {
      if (client.release === undefined) continue;
      const feed = this.feeds.get(client.release);
      if (!feed) continue;
      const { events, lock } = feed.current;
      client.stream.send({
        event: "view",
        data: { panels: panelMarkup(this.model(client.release, events, lock, client.follow)) },
      });
    }
  }

  /** After the journal's last events have gone out, so the page reads them in order. */
  private broadcastNotice(message: string, ok: boolean): void {
    void this.refreshWatched().then(() => {
      for (const client of this.clients)
        client.stream.send({ event: "notice", data: { message, ok } });
    });
  }

  private async refreshWatched(): Promise<void> {
    await Promise.all(
      [...this.watches.keys()].map((release) => this.feeds.get(release)?.refresh()),
    );
  }

  /** Following: the release the running driver holds, else the one started last. */
  private async checkFollowed(): Promise<void> {
    const { store } = this.options;
    const lock = FleetLock.inspect(store.dir);
    const key = JSON.stringify([
      lock.state === "held" ? lock.holder.release : null,
      (await store.releases()).sort(),
    ]);
    if (key === this.followKey) return;
    this.followKey = key;
    const next = lock.state === "held" ? lock.holder.release : await store.latestRelease();
    if (next === this.followed) return;
    this.followed = next;
    for (const client of this.clients) {
      if (client.follow) client.stream.send({ event: "release", data: { release: next } });
    }
  }

  private async refreshHistory(): Promise<void> {
    this.history = releaseHistory(await this.options.store.allJournals());
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

function panelMarkup(model: PageModel): Record<string, string> {
  const panels = renderPanels(model);
  return {
    summary: panels.summary.markup,
    outcome: panels.outcome.markup,
    waves: panels.waves.markup,
    history: panels.history.markup,
  };
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
