import * as http from "node:http";

export interface LoadOptions {
  readonly port: number;
  /** Default /version. A JSON answer's `version` tells which version served it (/ and /version). */
  readonly path?: string;
  readonly durationMs: number;
  /** Requests in flight at once, each on its own keep-alive connection. Default 8. */
  readonly concurrency?: number;
  /** Per-request timeout. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Ends the load early once it settles; durationMs stays the upper bound. */
  readonly until?: Promise<unknown>;
  /** Paces the load to about this many requests a second in all; default as fast as answered. */
  readonly ratePerSecond?: number;
}

/** One answered request: when it finished (ms since the load started) and which version served it. */
export interface Sample {
  readonly at: number;
  readonly status: number;
  readonly version: string | undefined;
  /** From sending the request to the end of its answer (or its error). */
  readonly latencyMs: number;
}

export interface LoadResult {
  readonly durationMs: number;
  readonly total: number;
  /** Non-2xx answers plus transport errors (refused, reset, timed out). */
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<number, number>>;
  readonly samples: readonly Sample[];
  readonly startedAt: number;
}

function once(
  agent: http.Agent,
  options: LoadOptions,
): Promise<{ status: number; version?: string; error?: string }> {
  return new Promise((resolve) => {
    const request = http.get(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path ?? "/version",
        agent,
        timeout: options.timeoutMs ?? 2_000,
      },
      (response) => {
        // The answers are small JSON documents; no header names the version (a leak).
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, version: versionIn(body) }),
        );
        response.on("error", (error: NodeJS.ErrnoException) =>
          resolve({ status: 0, error: error.code ?? error.message }),
        );
      },
    );
    request.on("timeout", () =>
      request.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
    );
    request.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, error: error.code ?? error.message }),
    );
  });
}

/** `version` of a JSON answer, or undefined (not JSON, or no version in it). */
export function versionIn(body: string): string | undefined {
  if (!body.startsWith("{")) return undefined;
  try {
    const version = (JSON.parse(body) as { version?: unknown }).version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A bounded load loop against 127.0.0.1: `concurrency` workers send requests back to back
 * over keep-alive connections for `durationMs`, recording every answer. Unlike a plain
 * throughput tool it keeps per-request samples, which is what measuring a flip needs: when
 * the last old-version answer came, and whether any request failed meanwhile.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 8;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const startedAt = Date.now();
  const deadline = startedAt + options.durationMs;
  const samples: Sample[] = [];
  const errors: Record<string, number> = {};
  const statuses: Record<number, number> = {};
  let failed = 0;
  let stopped = false;
  options.until?.then(
    () => (stopped = true),
    () => (stopped = true),
  );
  // With a rate, each worker sends one request per slot of `concurrency / rate` seconds.
  const slotMs = options.ratePerSecond ? (concurrency * 1000) / options.ratePerSecond : 0;
  const worker = async () => {
    let nextAt = Date.now();
    while (Date.now() < deadline && !stopped) {
      const wait = nextAt - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      nextAt += slotMs;
      const sentAt = Date.now();
      const result = await once(agent, options);
      const now = Date.now();
      samples.push({
        at: now - startedAt,
        status: result.status,
        version: result.version,
        latencyMs: now - sentAt,
      });
      if (result.error !== undefined) errors[result.error] = (errors[result.error] ?? 0) + 1;
      else statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (result.status < 200 || result.status > 299) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return {
    durationMs: Date.now() - startedAt,
    total: samples.length,
    failed,
    errors,
    statuses,
    samples,
    startedAt,
  };
}

/** Time of the last answer from a version other than `version`, in ms since the load started. */
export function lastAnswerNotFrom(result: LoadResult, version: string): number | undefined {
  const other = result.samples.filter((s) => s.version !== undefined && s.version !== version);
  return other.length === 0 ? undefined : Math.max(...other.map((s) => s.at));
}
