import { performance } from "node:perf_hooks";

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly latencyMs: number;
}

/** The only thing probes need from HTTP: GET a URL, cancellable. */
export interface HttpClient {
  get(url: string, signal: AbortSignal): Promise<HttpResponse>;
}

/** Node's fetch; the caller's signal bounds the request (the probe timeout). */
export const fetchHttpClient: HttpClient = {
  async get(url, signal) {
    const started = performance.now();
    const response = await fetch(url, {
      signal,
      redirect: "manual",
      headers: { accept: "application/json" },
    });
    const body = await response.text();
    return { status: response.status, body, latencyMs: performance.now() - started };
  },
};
