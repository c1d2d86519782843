import type { MetricsTarget } from "./request-metrics";
import {
  DEFAULT_RUNTIME_SETTINGS,
  parseRuntimeSettings,
  RuntimeSettings,
} from "./runtime-settings";

/**
 * Configuration of the sample app, from the environment and command-line flags (flags win).
 * Kept free of Node's I/O so it can be tested as a plain function.
 */

export const APP_COLORS = ["blue", "green"] as const;
export type AppColor = (typeof APP_COLORS)[number];

export interface AppConfig {
  /** Interface to listen on. Default 127.0.0.1: the local target never exposes the app. */
  readonly host: string;
  /** TCP port; 0 lets the kernel pick a free one (see portFile). Default 8080. */
  readonly port: number;
  readonly version: string;
  readonly color: AppColor;
  readonly outpost: string;
  /** Share of non-probe requests answered with 500, 0 to 1. Default 0. */
  readonly faultErrorRate: number;
  /** Extra latency added to non-probe requests, in ms. Default 0. */
  readonly faultLatencyMs: number;
  /** The only paths the faults apply to (exact match); undefined for every non-probe path. */
  readonly faultPaths: readonly string[] | undefined;
  /**
   * Paths answered 200 with well-formed but wrong data (exact match): a release that is
   * "healthy but wrong", which only a check of the answers themselves catches.
   */
  readonly faultBrokenPaths: readonly string[] | undefined;
  /** From APP_RUNTIME_CONFIG; DEFAULT_RUNTIME_SETTINGS when neither it nor SSM gives any. */
  readonly runtimeSettings: RuntimeSettings;
  /** Whether runtimeSettings came from APP_RUNTIME_CONFIG (then SSM is never asked). */
  readonly runtimeSettingsGiven: boolean;
  /** The stack's SSM config root on EC2 (user data); the app reads `<root>/runtime` there. */
  readonly configSsmPath: string | undefined;
  /** Region of the SSM client; from the instance's AWS_REGION. */
  readonly awsRegion: string | undefined;
  /** When set, the bound port is written here once listening (how pools learn a port 0 pick). */
  readonly portFile: string | undefined;
  /** Time /ready reports 503 before the listener closes on SIGTERM, in ms. Default 0. */
  readonly drainDelayMs: number;
  /** Hard limit for finishing in-flight requests after SIGTERM, in ms. Default 10000. */
  readonly shutdownTimeoutMs: number;
  /**
   * Customer requests in flight at once before the next is shed with 503 and Retry-After
   * (admission-control.ts); 0, the default: no limit.
   */
  readonly maxInFlight: number;
  /** The Retry-After a shed request is told, in seconds. Default 1. */
  readonly shedRetryAfterSeconds: number;
  /**
   * Where the app publishes its request figures for the release gates (AWS: the program sets
   * APP_METRICS_NAMESPACE, APP_METRICS_TRACK and APP_METRICS_PERIOD_SECONDS); undefined:
   * nowhere (the local target reads HAProxy's statistics instead).
   */
  readonly metrics: MetricsTarget | undefined;
}

/** A high-resolution metric's periods (MetricStat: 1, 5, 10, 20, 30, or multiples of 60). */
const METRIC_PERIODS = [1, 5, 10, 20, 30];

export class AppConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`invalid app configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "AppConfigError";
  }
}

/** Flag name -> environment variable it overrides. */
const FLAGS: Readonly<Record<string, string>> = {
  "--host": "HOST",
  "--port": "PORT",
  "--version": "APP_VERSION",
  "--color": "APP_COLOR",
  "--outpost": "OUTPOST",
  "--port-file": "APP_PORT_FILE",
  "--fault-error-rate": "APP_FAULT_ERROR_RATE",
  "--fault-latency-ms": "APP_FAULT_LATENCY_MS",
  "--fault-paths": "APP_FAULT_PATHS",
  "--fault-broken-paths": "APP_FAULT_BROKEN_PATHS",
  "--runtime-config": "APP_RUNTIME_CONFIG",
  "--drain-delay-ms": "APP_DRAIN_DELAY_MS",
  "--shutdown-timeout-ms": "APP_SHUTDOWN_TIMEOUT_MS",
  "--max-in-flight": "APP_MAX_IN_FLIGHT",
  "--shed-retry-after-seconds": "APP_SHED_RETRY_AFTER_SECONDS",
};

/**
 * Flags that are accepted and ignored: `--instance` only tags the command line so that the
 * process manager can tell its own processes from a recycled pid.
 */
const IGNORED_FLAGS = new Set(["--instance"]);

function flagValues(argv: readonly string[], problems: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i++;
    if (IGNORED_FLAGS.has(flag)) continue;
    const envName = FLAGS[flag];
    if (envName === undefined)
      problems.push(`unknown flag ${flag}; known: ${Object.keys(FLAGS).join(", ")}`);
    else if (value === undefined) problems.push(`flag ${flag} needs a value`);
    else values[envName] = value;
  }
  return values;
}

function numberIn(
  raw: string | undefined,
  name: string,
  fallback: number,
  [min, max]: readonly [number, number],
  integer: boolean,
  problems: string[],
): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  const kind = integer ? "a whole number" : "a number";
  if (
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    problems.push(`${name}=${JSON.stringify(raw)} must be ${kind} from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/** A comma-separated list of request paths; empty or unset means none was given. */
function pathList(
  raw: string | undefined,
  name: string,
  problems: string[],
): readonly string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const paths = raw.split(",").map((p) => p.trim());
  const bad = paths.filter((p) => !/^\/\S*$/.test(p));
  if (bad.length > 0) {
    problems.push(
      `${name}=${JSON.stringify(raw)}: ${bad.map((p) => JSON.stringify(p)).join(", ")} ` +
        `must be request paths starting with /, separated by commas`,
    );
  }
  return paths;
}

export function parseAppConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): AppConfig {
  const problems: string[] = [];
  const merged = { ...env, ...flagValues(argv, problems) };
  const color = merged.APP_COLOR ?? "blue";
  if (!(APP_COLORS as readonly string[]).includes(color)) {
    problems.push(`APP_COLOR=${JSON.stringify(color)} must be blue or green`);
  }
  const runtimeText = merged.APP_RUNTIME_CONFIG ?? "";
  const runtimeSettingsGiven = runtimeText.trim() !== "";
  const config: AppConfig = {
    host: merged.HOST ?? "127.0.0.1",
    port: numberIn(merged.PORT, "PORT", 8080, [0, 65535], true, problems),
    version: merged.APP_VERSION ?? "0.0.0-dev",
    color: color as AppColor,
    outpost: merged.OUTPOST ?? "local",
    faultErrorRate: numberIn(
      merged.APP_FAULT_ERROR_RATE,
      "APP_FAULT_ERROR_RATE",
      0,
      [0, 1],
      false,
      problems,
    ),
    faultLatencyMs: numberIn(
      merged.APP_FAULT_LATENCY_MS,
      "APP_FAULT_LATENCY_MS",
      0,
      [0, 60_000],
      true,
      problems,
    ),
    faultPaths: pathList(merged.APP_FAULT_PATHS, "APP_FAULT_PATHS", problems),
    faultBrokenPaths: pathList(merged.APP_FAULT_BROKEN_PATHS, "APP_FAULT_BROKEN_PATHS", problems),
    runtimeSettings: runtimeSettingsGiven
      ? (parseRuntimeSettings(runtimeText, "APP_RUNTIME_CONFIG", problems) ??
        DEFAULT_RUNTIME_SETTINGS)
      : DEFAULT_RUNTIME_SETTINGS,
    runtimeSettingsGiven,
    configSsmPath: merged.CONFIG_SSM_PATH || undefined,
    awsRegion: merged.AWS_REGION || undefined,
    portFile: merged.APP_PORT_FILE || undefined,
    drainDelayMs: numberIn(
      merged.APP_DRAIN_DELAY_MS,
      "APP_DRAIN_DELAY_MS",
      0,
      [0, 60_000],
      true,
      problems,
    ),
    shutdownTimeoutMs: numberIn(
      merged.APP_SHUTDOWN_TIMEOUT_MS,
      "APP_SHUTDOWN_TIMEOUT_MS",
      10_000,
      [0, 600_000],
      true,
      problems,
    ),
    maxInFlight: numberIn(
      merged.APP_MAX_IN_FLIGHT,
      "APP_MAX_IN_FLIGHT",
      0,
      [0, 100_000],
      true,
      problems,
    ),
    shedRetryAfterSeconds: numberIn(
      merged.APP_SHED_RETRY_AFTER_SECONDS,
      "APP_SHED_RETRY_AFTER_SECONDS",
      1,
      [1, 3600],
      true,
      problems,
    ),
    metrics: metricsTarget(merged, merged.OUTPOST ?? "local", problems),
  };
  if (problems.length > 0) throw new AppConfigError(problems);
  return config;
}

function metricsTarget(
  merged: Readonly<Record<string, string | undefined>>,
  outpost: string,
  problems: string[],
): MetricsTarget | undefined {
  const namespace = merged.APP_METRICS_NAMESPACE?.trim() ?? "";
  if (namespace === "") return undefined;
  const track = merged.APP_METRICS_TRACK?.trim() ?? "";
  if (track === "") problems.push("APP_METRICS_TRACK is required with APP_METRICS_NAMESPACE");
  const raw = merged.APP_METRICS_PERIOD_SECONDS ?? "10";
  const periodSeconds = Number(raw);
  if (!METRIC_PERIODS.includes(periodSeconds)) {
    problems.push(
      `APP_METRICS_PERIOD_SECONDS=${JSON.stringify(raw)} must be one of ${METRIC_PERIODS.join(", ")}`,
    );
  }
  return { namespace, outpost, track, periodSeconds };
}
