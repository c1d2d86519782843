import * as http from "node:http";
import * as https from "node:https";
import { performance } from "node:perf_hooks";
import type { HttpMethod } from "../../settings/staging-test-settings";

/** One request a gate sends. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** Request headers besides the defaults (`accept: *\/*`, `user-agent: node`); lower case. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpExchangeResponse {
  readonly status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text; empty for HEAD. */
  readonly body: string;
  /** From sending the request to the last byte of the body. */
  readonly latencyMs: number;
}

/**
 * The one thing the gates need from HTTP: send a request, cancellable, and get the whole
 * answer. Redirects are answers, never followed. The caller's signal bounds the request (the
 * probe timeout); it rejects when no answer came (refused, reset, aborted).
 */
export interface HttpExchange {
  send(request: HttpRequest, signal: AbortSignal): Promise<HttpExchangeResponse>;
}

/** The headers every request carries unless the gate sets its own (what fetch sent). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: "*/*",
  "user-agent": "node",
};

/**
 * Node's own HTTP and HTTPS clients, keep-alive connections through the global agents.
 * The error of a request that got no answer carries the socket's error as its `cause`.
 */
export function nodeHttpExchange(): HttpExchange {
  return {
    send(request, signal) {
      const url = new URL(request.url);
      const started = performance.now();
      const client = url.protocol === "https:" ? https : http;
      return new Promise<HttpExchangeResponse>((resolve, reject) => {
        const req = client.request(
          url,
          {
            method: request.method,
            headers: { ...DEFAULT_HEADERS, ...request.headers },
            signal,
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", (err) => reject(noAnswer(err)));
            response.on("end", () => {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(response.headers)) {
                if (value !== undefined) {
                  headers[name] = Array.isArray(value) ? value.join(", ") : value;
                }
              }
              resolve({
                status: response.statusCode ?? 0,
                headers,
                body: request.method === "HEAD" ? "" : Buffer.concat(chunks).toString("utf8"),
                latencyMs: performance.now() - started,
              });
            });
          },
        );
        req.on("error", (err) => reject(noAnswer(err)));
        req.end();
      });
    },
  };
}

/** The adapter the real gates use. */
export const httpExchange: HttpExchange = nodeHttpExchange();

/** Why no answer came, in a word where the socket gives one (`ECONNREFUSED`). */
function noAnswer(err: Error): Error {
  if (err.name === "AbortError") return err;
  return new Error((err as NodeJS.ErrnoException).code ?? err.message, { cause: err });
}
