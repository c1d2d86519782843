import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { AdmissionControl } from "./admission-control";
import { AppConfig, parseAppConfig } from "./app-options";
import {
  type MetricsPublisher,
  sdkPutMetricData,
  startMetricsPublisher,
} from "./cloudwatch-metrics-publisher";
import { AppState, createHandler, HandlerDeps } from "./routes";
import { LOG_LEVELS, LogLevel, runtimeFingerprint } from "./runtime-settings";
import { withRuntimeSettings } from "./ssm-runtime-settings";

export interface RunningApp {
  readonly server: http.Server;
  readonly port: number;
  readonly state: AppState;
  /** Customer requests in flight and shed (config.maxInFlight). */
  readonly admission: AdmissionControl;
  /** Drains: /ready turns 503, the listener closes, in-flight requests finish. Idempotent. */
  shutdown(): Promise<void>;
}

type Log = (level: LogLevel, event: string, fields: Record<string, unknown>) => void;

/** JSON log lines at or above the runtime settings' logLevel. */
export function createLog(
  threshold: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Log {
  const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);
  return (level, event, fields) => {
    if (rank(level) < rank(threshold)) return;
    const line = { time: new Date().toISOString(), level, event, ...fields };
    write(`${JSON.stringify(line)}\n`);
  };
}

/** Writes atomically, so a reader polling for the file never sees it half written. */
function writePortFile(file: string, port: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${port}\n`);
  fs.renameSync(temporary, file);
}

/** Probes are not customers' requests: they stay out of the release gates' figures. */
const UNCOUNTED_PATHS = new Set(["/health", "/ready"]);

export async function startApp(
  config: AppConfig,
  deps?: HandlerDeps,
  publisher?: MetricsPublisher,
): Promise<RunningApp> {
  const state: AppState = { draining: false };
  const handler = createHandler(config, state, deps);
  const admission = new AdmissionControl(config.maxInFlight);
  const server = http.createServer((request, response) => {
    const counted = !UNCOUNTED_PATHS.has((request.url ?? "/").split("?", 1)[0]);
    if (publisher !== undefined && counted) {
      const started = performance.now();
      response.once("finish", () =>
        publisher.metrics.record(response.statusCode, performance.now() - started),
      );
    }
    if (counted) {
      if (!admission.tryAdmit()) {
        response.writeHead(503, {
          "content-type": "application/json",
          "retry-after": String(config.shedRetryAfterSeconds),
        });
        response.end(JSON.stringify({ error: "overloaded: retry later" }));
        return;
      }
      // "close" fires for answered and abandoned requests alike: the slot is always given back.
      response.once("close", () => admission.release());
    }
    handler(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(JSON.stringify({ error: String(error) }));
    });
  });
  // Longer than HAProxy's idle reuse, so the proxy closes idle connections before we do.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      state.draining = true;
      if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);
      await publisher?.stop();
    })();
    return stopping;
  };
  return { server, port, state, admission, shutdown };
}

/** Process entry: start, publish the port, drain on SIGTERM/SIGINT, then exit. */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = await withRuntimeSettings(parseAppConfig(env, argv));
  const log = createLog(config.runtimeSettings.logLevel);
  const publisher =
    config.metrics === undefined
      ? undefined
      : startMetricsPublisher(config.metrics, await sdkPutMetricData(config.awsRegion), (error) =>
          log("warn", "metrics-publish-failed", { error: String(error) }),
        );
  const app = await startApp(config, undefined, publisher);
  if (config.portFile) writePortFile(config.portFile, app.port);
  log("info", "started", {
    port: app.port,
    version: config.version,
    color: config.color,
    outpost: config.outpost,
    pid: process.pid,
    runtimeFingerprint: runtimeFingerprint(config.runtimeSettings),
  });
  log("debug", "runtime-settings", { settings: config.runtimeSettings });
  const stop = (signal: string) => {
    log("info", "stopping", { signal });
    app.shutdown().then(
      () => {
        log("info", "stopped", {});
        process.exit(0);
      },
      (error: unknown) => {
        log("error", "stop-failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

if (require.main === module) main().catch(fail);
