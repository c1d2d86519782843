import { IncomingMessage, ServerResponse } from "node:http";
import { AppConfig } from "./config";
import { decideFault } from "./faults";

/** Mutable lifecycle of one process. Draining starts at SIGTERM and never ends. */
export interface AppState {
  draining: boolean;
}

export interface HandlerDeps {
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly pid: number;
}

const defaultDeps: HandlerDeps = {
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  pid: process.pid,
};

type Reply = { status: number; body: unknown; html?: string };

function identity(config: AppConfig, pid: number) {
  return { version: config.version, color: config.color, outpost: config.outpost, pid };
}

function homePage(config: AppConfig): string {
  const title = `storefront ${config.version}`;
  return (
    `<!doctype html><html><head><title>${title}</title></head>` +
    `<body style="font-family:sans-serif;border-top:12px solid ${config.color}">` +
    `<h1>${title}</h1><p>color <b>${config.color}</b> on Outpost <b>${config.outpost}</b></p>` +
    `</body></html>`
  );
}

function route(
  config: AppConfig,
  state: AppState,
  path: string,
  pid: number,
  wantsHtml: boolean,
): Reply {
  switch (path) {
    case "/health":
      return { status: 200, body: { status: "ok" } };
    case "/ready":
      return state.draining
        ? { status: 503, body: { ready: false, reason: "draining" } }
        : { status: 200, body: { ready: true } };
    case "/version":
      return { status: 200, body: identity(config, pid) };
    case "/":
      return {
        status: 200,
        body: { service: "storefront", ...identity(config, pid) },
        html: wantsHtml ? homePage(config) : undefined,
      };
    default:
      return { status: 404, body: { error: "not found", path } };
  }
}

/** The request listener: routing, injected faults, and connection handling while draining. */
export function createHandler(
  config: AppConfig,
  state: AppState,
  deps: HandlerDeps = defaultDeps,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    let reply: Reply;
    if (request.method !== "GET" && request.method !== "HEAD") {
      reply = { status: 405, body: { error: "method not allowed" } };
    } else {
      const fault = decideFault(config, path, deps.random());
      if (fault.delayMs > 0) await deps.sleep(fault.delayMs);
      reply = fault.fail
        ? { status: 500, body: { error: "injected fault", version: config.version } }
        : route(
            config,
            state,
            path,
            deps.pid,
            (request.headers.accept ?? "").includes("text/html"),
          );
    }
    const text = reply.html ?? JSON.stringify(reply.body);
    response.statusCode = reply.status;
    response.setHeader(
      "content-type",
      reply.html ? "text/html; charset=utf-8" : "application/json",
    );
    response.setHeader("x-app-version", config.version);
    response.setHeader("x-app-color", config.color);
    // A draining process asks keep-alive clients (HAProxy included) to reconnect elsewhere.
    if (state.draining) response.setHeader("connection", "close");
    response.end(request.method === "HEAD" ? undefined : text);
  };
}
