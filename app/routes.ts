import { IncomingMessage, ServerResponse } from "node:http";
import { catalogueRoute } from "./catalogue";
import { AppConfig } from "./app-options";
import { decideFault } from "./fault-injection";
import { runtimeDocument, RuntimeDocument } from "./runtime-settings";
import { SECURITY_HEADERS } from "./security-headers";

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

type Reply = { readonly status: number; readonly body: unknown; readonly html?: string };

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

interface RouteContext {
  readonly config: AppConfig;
  readonly state: AppState;
  readonly runtime: RuntimeDocument;
  readonly pid: number;
  readonly wantsHtml: boolean;
  readonly broken: boolean;
}

function route(path: string, context: RouteContext): Reply {
  const { config, state, pid, wantsHtml } = context;
  const catalogue = catalogueRoute(path, {
    broken: context.broken,
    recommendations: context.runtime.settings.featureFlags.recommendations === true,
  });
  if (catalogue !== undefined) return catalogue;
  switch (path) {
    case "/health":
      return { status: 200, body: { status: "ok" } };
    case "/ready":
      return state.draining
        ? { status: 503, body: { ready: false, reason: "draining" } }
        : { status: 200, body: { ready: true } };
    case "/version":
      return { status: 200, body: identity(config, pid) };
    case "/config":
      // Only non-secret settings exist in this document; secrets never reach it.
      return { status: 200, body: context.runtime };
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
  const runtime = runtimeDocument(config.runtimeSettings);
  const { apiTimeoutMs } = config.runtimeSettings;
  const answer = async (request: IncomingMessage, path: string): Promise<Reply> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return { status: 405, body: { error: "method not allowed" } };
    }
    const fault = decideFault(config, path, deps.random());
    if (fault.delayMs > 0) await deps.sleep(fault.delayMs);
    if (fault.fail) {
      return { status: 500, body: { error: "injected fault", version: config.version } };
    }
    const wantsHtml = (request.headers.accept ?? "").includes("text/html");
    return route(path, { config, state, runtime, pid: deps.pid, wantsHtml, broken: fault.broken });
  };
  return async (request, response) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    // apiTimeoutMs bounds the handling of one request: past it the client gets a clear 503.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Reply>((resolve) => {
      timer = setTimeout(
        () => resolve({ status: 503, body: { error: "request timed out", apiTimeoutMs } }),
        apiTimeoutMs,
      );
    });
    const reply = await Promise.race([answer(request, path), timedOut]).finally(() =>
      clearTimeout(timer),
    );
    const text = reply.html ?? JSON.stringify(reply.body);
    response.statusCode = reply.status;
    response.setHeader(
      "content-type",
      reply.html ? "text/html; charset=utf-8" : "application/json",
    );
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    // A draining process asks keep-alive clients (HAProxy included) to reconnect elsewhere.
    if (state.draining) response.setHeader("connection", "close");
    response.end(request.method === "HEAD" ? undefined : text);
  };
}
