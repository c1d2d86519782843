import autocannon from "autocannon";
import * as hdr from "hdr-histogram-js";
import type { LoadLimits } from "../settings/staging-test-settings";
import {
  error,
  fail,
  type Figure,
  type Gate,
  type GateTarget,
  type Measurement,
  pass,
} from "./gate";
import { baseUrl } from "./http-probe-gate";

/** One request's bound inside the load test (autocannon counts it as an error and a timeout). */
const REQUEST_TIMEOUT_SECONDS = 10;

export interface LoadSettings {
  readonly path: string;
  readonly aws: LoadLimits;
  readonly local: LoadLimits;
}

/** What one load test saw, before it is judged. */
export interface LoadFigures {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Fraction of non-2xx answers, errors and timeouts among every attempt. */
  readonly errorRate: number;
  readonly requestsPerSecond: number;
  readonly attempts: number;
}

/**
 * The staging load test: autocannon in this process, `connections` keep-alive connections on
 * the production endpoint for `durationSeconds`, judged on p95, error rate and throughput.
 * autocannon reports fixed percentiles without p95, so every response time also goes into an
 * HDR histogram here (microseconds, 3 significant digits).
 */
export class LoadGate implements Gate {
  readonly name = "load";

  constructor(private readonly settings: LoadSettings) {}

  limitsFor(target: GateTarget): LoadLimits {
    return target.target === "aws" ? this.settings.aws : this.settings.local;
  }

  /** How long a measurement is meant to take: the runner adds its margin to this. */
  expectedSeconds(target: GateTarget): number {
    return this.limitsFor(target).durationSeconds;
  }

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const limits = this.limitsFor(target);
    const url = `${baseUrl(target.outputs.endpoint)}${this.settings.path}`;
    const seen = await runLoad(url, limits, signal, target.outputs.serviceDomain ?? undefined);
    const figures = loadFigures(seen, limits);
    const summary = `${limits.connections} connections for ${limits.durationSeconds}s on ${url}: ${seen.attempts} requests`;
    if (seen.attempts === 0) return error(`${summary}, none answered`);
    const broken = brokenLimits(seen, limits);
    if (broken.length > 0) return fail(`${broken.join("; ")} (${summary})`, figures);
    return pass(summary, figures);
  }
}

/** Each limit the figures break, worded as `p95 812 ms > 500 ms`. */
export function brokenLimits(seen: LoadFigures, limits: LoadLimits): string[] {
  const broken: string[] = [];
  if (seen.p95Ms > limits.maxP95Ms) {
    broken.push(`p95 ${round1(seen.p95Ms)} ms > ${limits.maxP95Ms} ms`);
  }
  if (seen.errorRate > limits.maxErrorRate) {
    broken.push(`errors ${percent(seen.errorRate)}% > ${percent(limits.maxErrorRate)}%`);
  }
  if (seen.requestsPerSecond < limits.minRequestsPerSecond) {
    broken.push(
      `${Math.round(seen.requestsPerSecond)} req/s < ${limits.minRequestsPerSecond} req/s`,
    );
  }
  return broken;
}

export function loadFigures(seen: LoadFigures, limits: LoadLimits): Figure[] {
  return [
    { name: "p50", value: round1(seen.p50Ms), unit: "ms" },
    {
      name: "p95",
      value: round1(seen.p95Ms),
      unit: "ms",
      threshold: limits.maxP95Ms,
      limit: "max",
    },
    { name: "p99", value: round1(seen.p99Ms), unit: "ms" },
    {
      name: "errors",
      value: Number(percent(seen.errorRate)),
      unit: "%",
      threshold: limits.maxErrorRate * 100,
      limit: "max",
    },
    {
      name: "throughput",
      value: Math.round(seen.requestsPerSecond),
      unit: "req/s",
      threshold: limits.minRequestsPerSecond,
      limit: "min",
    },
  ];
}

/**
 * Runs autocannon to its end, or stops it when the signal aborts (then rejects). With a
 * `serverName` (the service's domain), every connection sends it as SNI and Host, as clients
 * do. autocannon never verifies certificates; the probe, integration and security gates,
 * which run before it, check the certificate against that name.
 */
export async function runLoad(
  url: string,
  limits: Pick<LoadLimits, "connections" | "durationSeconds">,
  signal: AbortSignal,
  serverName?: string,
): Promise<LoadFigures> {
  signal.throwIfAborted();
  const latencies = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: REQUEST_TIMEOUT_SECONDS * 2_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let result: autocannon.Result;
  const stopOnAbort = () => instance?.stop();
  let instance: autocannon.Instance | undefined;
  try {
    result = await new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          url,
          connections: limits.connections,
          duration: limits.durationSeconds,
          timeout: REQUEST_TIMEOUT_SECONDS,
          ...(serverName === undefined ? {} : serverIdentity(url, serverName)),
        },
        (err, finished) => (err ? reject(err as Error) : resolve(finished)),
      );
      instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
        latencies.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
      });
      signal.addEventListener("abort", stopOnAbort, { once: true });
    });
  } finally {
    signal.removeEventListener("abort", stopOnAbort);
  }
  signal.throwIfAborted();
  const answers = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  // autocannon counts a timeout as an error too.
  const attempts = answers + result.errors;
  const failed = answers - result["2xx"] + result.errors;
  const micros = (p: number) => latencies.getValueAtPercentile(p) / 1000;
  const figures = {
    p50Ms: micros(50),
    p95Ms: micros(95),
    p99Ms: micros(99),
    errorRate: attempts === 0 ? 1 : failed / attempts,
    requestsPerSecond: result.duration > 0 ? answers / result.duration : 0,
    attempts,
  };
  latencies.destroy();
  return figures;
}

/** autocannon's options for a server known by `serverName` at `url`'s address. */
function serverIdentity(url: string, serverName: string) {
  const { port, protocol } = new URL(url);
  return {
    headers: { host: port ? `${serverName}:${port}` : serverName },
    ...(protocol === "https:" ? { servername: serverName } : {}),
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const percent = (fraction: number) => (fraction * 100).toFixed(2);
