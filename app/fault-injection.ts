import { AppConfig } from "./app-options";

/** Probe paths answer truthfully even under injected faults: a buggy release is still "alive". */
export const PROBE_PATHS: ReadonlySet<string> = new Set(["/health", "/ready"]);

export interface FaultDecision {
  readonly delayMs: number;
  readonly fail: boolean;
  /** Answer 200 with well-formed but wrong data (faultBrokenPaths). */
  readonly broken: boolean;
}

const NO_FAULT: FaultDecision = { delayMs: 0, fail: false, broken: false };

/**
 * Decides the injected fault for one request. `random` is a draw in [0, 1), passed in so
 * that tests can pin it.
 */
export function decideFault(
  config: Pick<AppConfig, "faultErrorRate" | "faultLatencyMs" | "faultPaths" | "faultBrokenPaths">,
  path: string,
  random: number,
): FaultDecision {
  if (PROBE_PATHS.has(path)) return NO_FAULT;
  const broken = config.faultBrokenPaths?.includes(path) ?? false;
  if (config.faultPaths !== undefined && !config.faultPaths.includes(path)) {
    return { ...NO_FAULT, broken };
  }
  return { delayMs: config.faultLatencyMs, fail: random < config.faultErrorRate, broken };
}
