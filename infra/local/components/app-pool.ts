import * as pulumi from "@pulumi/pulumi";
import { Color } from "../../contract";
import { LocalRuntime } from "../local-runtime";
import { Tags } from "../tags";
import { NO_FAULTS, PoolFaults } from "../providers/pool-types";
import { AppProcesses } from "../providers/dynamic-resources";

export interface AppPoolArgs {
  readonly outpost: string;
  readonly color: Color;
  readonly version: string;
  /** Processes to run; 0 keeps the pool with nothing running. */
  readonly count: number;
  /** Readiness path of the app, e.g. `/ready`. */
  readonly readyPath: string;
  readonly runtime: LocalRuntime;
  readonly tags: Tags;
  /** Injected faults. Default: none. */
  readonly faults?: PoolFaults;
  /** JSON of the app's runtime settings (APP_RUNTIME_CONFIG). Default: the app's defaults. */
  readonly runtimeSettings?: string;
}

/**
 * One color on one Outpost: N processes of the app, the local stand-in for an Auto Scaling
 * Group. Its logical name never changes with the color's role; a new version replaces the
 * processes behind it (new ones first, see pool-diff.ts).
 */
export class AppPool extends pulumi.ComponentResource {
  /** Ports of the running processes, in slot order. */
  readonly ports: pulumi.Output<number[]>;
  readonly pids: pulumi.Output<number[]>;

  constructor(name: string, args: AppPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:AppPool", name, {}, opts);
    const processes = new AppProcesses(
      `${name}-processes`,
      {
        outpost: args.outpost,
        color: args.color,
        version: args.version,
        count: args.count,
        faults: args.faults ?? NO_FAULTS,
        // Left out when unset, so such pools keep the inputs they had.
        ...(args.runtimeSettings === undefined ? {} : { runtimeSettings: args.runtimeSettings }),
        runDir: args.runtime.runDir,
        appEntry: args.runtime.appEntry,
        readyPath: args.readyPath,
        tags: args.tags,
      },
      { parent: this },
    );
    this.ports = processes.ports;
    this.pids = processes.processes.apply((list) => list.map((p) => p.pid));
    this.registerOutputs({ ports: this.ports, pids: this.pids });
  }
}
