import type { Color } from "../../contract";
import type { Tags } from "../tags";

/** Injected faults for a pool's processes (app env APP_FAULT_*). */
export interface PoolFaults {
  /** Share of non-probe requests answered with 500, 0 to 1. */
  readonly errorRate: number;
  readonly latencyMs: number;
  /** The only paths that fail or slow down (exact match); absent for every non-probe path. */
  readonly paths?: readonly string[];
  /** Paths answered 200 with wrong data (APP_FAULT_BROKEN_PATHS); absent for none. */
  readonly brokenPaths?: readonly string[];
}

export const NO_FAULTS: PoolFaults = { errorRate: 0, latencyMs: 0 };

/** Inputs of one color's pool of app processes on one Outpost. */
export interface AppPoolInputs {
  readonly outpost: string;
  readonly color: Color;
  readonly version: string;
  /** Processes to run; 0 keeps the pool (and its logical name) with nothing running. */
  readonly count: number;
  readonly faults: PoolFaults;
  /**
   * JSON of the app's runtime settings, given to every process as APP_RUNTIME_CONFIG; absent:
   * the app's defaults. A change replaces the processes, like a new version.
   */
  readonly runtimeSettings?: string;
  /** Absolute folder for pid, port and log files of this stack. */
  readonly runDir: string;
  /** Absolute path of app/launch.js. */
  readonly appEntry: string;
  /** Readiness path; a process counts as started once it answers 200 there. */
  readonly readyPath: string;
  readonly tags: Tags;
}

export interface AppProcess {
  readonly slot: number;
  readonly pid: number;
  readonly port: number;
}

export interface AppPoolOutputs extends AppPoolInputs {
  /** Live processes in slot order. After a refresh, dead ones are missing from this list. */
  readonly processes: readonly AppProcess[];
  /** Their ports, in the same order: what the balancer's server slots point at. */
  readonly ports: readonly number[];
}
