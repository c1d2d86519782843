import type * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "node:crypto";
import { isRunning, stopProcessGroup } from "../process/processes";
import { startAppProcesses, stopPool } from "./app-processes";
import { diffAppPool, missingSlots, poolInputProblems } from "./pool-diff";
import { AppPoolInputs, AppPoolOutputs, AppProcess } from "./pool-types";

function outputsOf(inputs: AppPoolInputs, processes: readonly AppProcess[]): AppPoolOutputs {
  const sorted = [...processes].sort((a, b) => a.slot - b.slot);
  return { ...inputs, processes: sorted, ports: sorted.map((p) => p.port) };
}

/**
 * Dynamic provider of one color's pool of app processes. Pulumi serializes this object into
 * the state and runs it in its provider host, so it only reaches its helpers through plain
 * module functions that need nothing but Node's own modules (see docs/local-target.md).
 */
export const appPoolProvider: dynamic.ResourceProvider<AppPoolInputs, AppPoolOutputs> = {
  async check(_olds, news) {
    const failures = poolInputProblems(news);
    return failures.length > 0 ? { failures } : { inputs: news };
  },

  /** Liveness counts: a plain `up` restarts processes that died, even without a refresh. */
  async diff(id, olds, news) {
    return diffAppPool(
      { ...olds, processes: olds.processes.filter((p) => isRunning(p.pid, id)) },
      news,
    );
  },

  async create(inputs) {
    const id = `${inputs.outpost}-${inputs.color}-${randomBytes(4).toString("hex")}`;
    const slots = Array.from({ length: inputs.count }, (_, i) => i + 1);
    const processes = await startAppProcesses(id, inputs, slots);
    return { id, outs: outputsOf(inputs, processes) };
  },

  /** `pulumi refresh`: processes that died drop out of the state, so the next `up` restarts them. */
  async read(id, props) {
    if (props === undefined) return { id, props };
    const alive = props.processes.filter((p) => isRunning(p.pid, id));
    return { id, props: outputsOf(props, alive) };
  },

  /** Grows the pool or restarts dead slots; shrinking and new versions are replacements. */
  async update(id, olds, news) {
    const live = olds.processes.filter((p) => isRunning(p.pid, id));
    // Only reached for shrinking when a diff was bypassed; stop the extra slots then.
    const extra = live.filter((p) => p.slot > news.count);
    await Promise.all(extra.map((p) => stopProcessGroup(p.pid, id)));
    const kept = live.filter((p) => p.slot <= news.count);
    const started = await startAppProcesses(id, news, missingSlots(kept, news.count), olds.runDir);
    return { outs: { ...outputsOf(news, [...kept, ...started]), runDir: olds.runDir } };
  },

  async delete(id, props) {
    await stopPool(props.runDir, id, props.processes);
  },
};
