import type { HttpMethod } from "../../settings/staging-test-settings";

export interface HttpExchangeResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * What the staging test gates need from HTTP beyond HttpClient: any method, and the response
 * headers (the security gate judges them). Redirects are answers, never followed.
 */
export interface HttpExchange {
  send(method: HttpMethod, url: string, signal: AbortSignal): Promise<HttpExchangeResponse>;
}

/** Node's fetch; the caller's signal bounds the request. */
export const fetchHttpExchange: HttpExchange = {
  async send(method, url, signal) {
    const response = await fetch(url, { method, signal, redirect: "manual" });
    const body = method === "HEAD" ? "" : await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body };
  },
};
