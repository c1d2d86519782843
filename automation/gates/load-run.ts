import autocannon from "autocannon";
import * as hdr from "hdr-histogram-js";
import type { LoadLimits } from "../settings/staging-test-settings";
import type { FullLoadCounts, LoadEvidenceVerdict } from "./evidence/load-test-evidence";

/** One request's bound inside the load test (autocannon counts it as an error and a timeout). */
const REQUEST_TIMEOUT_SECONDS = 10;
/** The ramp opens its connections in this many even steps (fewer when there are fewer). */
const RAMP_STEPS = 10;

/** What one load test saw, before it is judged. */
export interface LoadFigures {
  /** Percentiles of every answer's response time, the ramp's included. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Fraction of non-2xx answers, errors and timeouts among every attempt. */
  readonly errorRate: number;
  /** Answers per second at full load (after the ramp). */
  readonly requestsPerSecond: number;
  readonly attempts: number;
  /** How long the test ran. */
  readonly seconds: number;
  /** Set when the sequential rule ended the test before its duration. */
  readonly early?: { readonly verdict: "pass" | "fail"; readonly detail: string };
}

export interface LoadRunOptions {
  /** The service's domain: every connection sends it as SNI and Host, as clients do. */
  readonly serverName?: string;
  /** Asked every `lookEveryMs` at full load; a pass or a fail stops the test there. */
  readonly judge?: (counts: FullLoadCounts) => LoadEvidenceVerdict;
  readonly lookEveryMs?: number;
}

/** When each ramp step opens its connections, and how many: even steps over the ramp. */
export function rampSteps(
  limits: Pick<LoadLimits, "connections" | "rampSeconds">,
): { readonly atSeconds: number; readonly connections: number }[] {
  const steps = limits.rampSeconds > 0 ? Math.min(RAMP_STEPS, limits.connections) : 1;
  return Array.from({ length: steps }, (_, i) => ({
    atSeconds: (i * limits.rampSeconds) / steps,
    connections: Math.floor(limits.connections / steps) + (i < limits.connections % steps ? 1 : 0),
  }));
}

/**
 * Runs autocannon (one instance per ramp step, all ending at `durationSeconds`) to its end, or
 * until `judge` decides, or until the signal aborts (then rejects). autocannon never verifies
 * certificates; the probe, integration and security gates, which run before it, check the
 * certificate against the server name. Counts come from autocannon's per-request events, so
 * the full-load window is exact.
 */
export async function runLoad(
  url: string,
  limits: Pick<LoadLimits, "connections" | "durationSeconds" | "rampSeconds" | "maxP95Ms">,
  signal: AbortSignal,
  options: LoadRunOptions = {},
): Promise<LoadFigures> {
  signal.throwIfAborted();
  const latencies = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: REQUEST_TIMEOUT_SECONDS * 2_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const started = Date.now();
  const fullLoadAt = started + limits.rampSeconds * 1000;
  const all = { answers: 0, failures: 0, errors: 0 };
  const full = { answers: 0, failures: 0, errors: 0, slow: 0 };
  const instances: autocannon.Instance[] = [];
  const timers: NodeJS.Timeout[] = [];
  let early: LoadFigures["early"];
  const stopAll = () => {
    for (const timer of timers) clearTimeout(timer);
    for (const instance of instances) instance.stop();
  };
  const fullCounts = (): FullLoadCounts => ({
    seconds: Math.max(0, (Date.now() - fullLoadAt) / 1000),
    attempts: full.answers + full.errors,
    failures: full.failures + full.errors,
    answers: full.answers,
    slow: full.slow,
  });
  const start = (connections: number, durationSeconds: number) =>
    new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections,
          duration: durationSeconds,
          timeout: REQUEST_TIMEOUT_SECONDS,
          ...(options.serverName === undefined ? {} : serverIdentity(url, options.serverName)),
        },
        (err) => (err ? reject(err as Error) : resolve()),
      );
      instance.on("response", (_client, status, _bytes, responseTimeMs) => {
        latencies.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
        const failed = status < 200 || status > 299;
        all.answers++;
        if (failed) all.failures++;
        if (Date.now() < fullLoadAt) return;
        full.answers++;
        if (failed) full.failures++;
        if (responseTimeMs > limits.maxP95Ms) full.slow++;
      });
      instance.on("reqError", () => {
        all.errors++;
        if (Date.now() >= fullLoadAt) full.errors++;
      });
      instances.push(instance);
    });
  const runs = rampSteps(limits).map(
    (step) =>
      new Promise<void>((resolve, reject) => {
        const open = () => start(step.connections, limits.durationSeconds - step.atSeconds);
        if (step.atSeconds === 0) open().then(resolve, reject);
        else timers.push(setTimeout(() => open().then(resolve, reject), step.atSeconds * 1000));
      }),
  );
  // A step that has not opened when the test stops never opens: its promise settles here.
  const stopped = new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
    if (options.judge) {
      const judge = options.judge;
      const look = setInterval(() => {
        if (Date.now() < fullLoadAt) return;
        const said = judge(fullCounts());
        if (said.verdict === "continue") return;
        early = { verdict: said.verdict, detail: said.detail };
        clearInterval(look);
        resolve();
      }, options.lookEveryMs ?? 1000);
      timers.push(look);
      void Promise.all(runs).finally(() => clearInterval(look));
    }
  });
  const stopOnAbort = () => stopAll();
  signal.addEventListener("abort", stopOnAbort, { once: true });
  try {
    await Promise.race([Promise.all(runs), stopped.then(stopAll)]);
    // Once stopped, each instance still ends its run and reports: wait for the ones that opened.
    await Promise.allSettled(runs.slice(0, instances.length));
  } finally {
    signal.removeEventListener("abort", stopOnAbort);
    for (const timer of timers) clearTimeout(timer);
  }
  signal.throwIfAborted();
  const ended = Date.now();
  const attempts = all.answers + all.errors;
  const fullSeconds = (ended - fullLoadAt) / 1000;
  const micros = (p: number) => latencies.getValueAtPercentile(p) / 1000;
  const figures: LoadFigures = {
    p50Ms: micros(50),
    p95Ms: micros(95),
    p99Ms: micros(99),
    errorRate: attempts === 0 ? 1 : (all.failures + all.errors) / attempts,
    requestsPerSecond: fullSeconds > 0 ? full.answers / fullSeconds : 0,
    attempts,
    seconds: (ended - started) / 1000,
    ...(early === undefined ? {} : { early }),
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
