import type * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { needsReload, renderHaproxyConfig } from "../haproxy/haproxy-config";
import {
  haproxyFiles,
  reloadHaproxy,
  validateConfig,
  writeConfig,
} from "../haproxy/haproxy-process";
import { slotDrift } from "../haproxy/runtime-plan";
import { desiredSlots, previewSlots } from "../haproxy/slots";
import { runtimeSocketPath } from "../haproxy/socket-path";
import { freeLoopbackPort } from "../process/ports";
import { isRunning, readPidFile, stopProcessGroup } from "../process/processes";
import { balancerInputProblems, diffBalancer } from "./balancer-diff";
import {
  applyAtRuntime,
  healthyWeightedSlots,
  observeBoth,
  startOnFreePorts,
} from "./balancer-runtime";
import { emptySlots, outputsOf, specOf } from "./balancer-state";
import { BalancerInputs, BalancerOutputs } from "./balancer-types";

/**
 * Dynamic provider of one Outpost's HAProxy. Weight changes (a flip, a canary step) and pool
 * changes go through the runtime API: no reload, no dropped connection. See balancer-diff.ts
 * for what triggers what.
 */
export const balancerProvider: dynamic.ResourceProvider<BalancerInputs, BalancerOutputs> = {
  async check(_olds, news) {
    const failures = balancerInputProblems(news);
    return failures.length > 0 ? { failures } : { inputs: news };
  },

  /** Liveness counts: a plain `up` restarts a dead HAProxy, even without a refresh. */
  async diff(id, olds, news) {
    return diffBalancer({ ...olds, running: olds.running && isRunning(olds.pid, id) }, news);
  },

  async create(inputs) {
    const id = `${inputs.outpost}-lb-${randomBytes(4).toString("hex")}`;
    const dir = path.join(inputs.runDir, id);
    fs.mkdirSync(dir, { recursive: true });
    const files = haproxyFiles(dir, runtimeSocketPath(dir));
    const slots = desiredSlots(inputs);
    await healthyWeightedSlots(slots, inputs.healthCheck.path);
    const { pid, ...listen } = await startOnFreePorts(inputs, files, id, slots);
    try {
      const live = await observeBoth(files.socketPath, inputs.backend);
      return { id, outs: outputsOf(inputs, { ...listen, ...live, pid, files, running: true }) };
    } catch (error) {
      await stopProcessGroup(pid, id);
      throw error;
    }
  },

  /** `pulumi refresh`: reports a dead HAProxy (running: false) and the live weights and servers. */
  async read(id, props) {
    if (props === undefined) return { id, props };
    const files = haproxyFiles(path.dirname(props.configFile), props.socketPath);
    const running = isRunning(props.pid, id);
    const nothing = { observed: [], previewObserved: [] };
    const live = running
      ? await observeBoth(files.socketPath, props.backend).catch(() => nothing)
      : nothing;
    return {
      id,
      props: outputsOf(props, {
        frontendPort: props.frontendPort,
        previewPort: props.previewPort,
        pid: props.pid,
        files,
        ...live,
        running,
      }),
    };
  },

  async update(id, olds, news) {
    const files = haproxyFiles(path.dirname(olds.configFile), olds.socketPath);
    const slots = desiredSlots(news);
    const healthy = await healthyWeightedSlots(slots, news.healthCheck.path);
    let { pid } = olds;
    // A state from before the preview frontend gets its port now (and a reload, below).
    let listen = {
      frontendPort: olds.frontendPort,
      previewPort: olds.previewPort ?? (await freeLoopbackPort()),
    };
    const spec = specOf(news, listen, files.socketPath, slots);
    const text = renderHaproxyConfig(spec);
    if (!isRunning(pid, id)) {
      // Come back on the same ports, so the endpoints stay; new ones only if they were taken.
      ({ pid, ...listen } = await startOnFreePorts(news, files, id, slots, listen));
    } else if (
      needsReload(
        specOf(
          olds,
          { frontendPort: olds.frontendPort, previewPort: olds.previewPort ?? 0 },
          files.socketPath,
          emptySlots(olds.slotsPerColor),
        ),
        spec,
      )
    ) {
      await validateConfig(news.haproxyBin, files, text);
      writeConfig(files, text);
      await reloadHaproxy(pid, files);
    } else {
      // Same structure as the validated config HAProxy runs: only server lines differ, so no
      // `haproxy -c` (~40 ms) on the flip path. The file keeps the state for a later restart.
      writeConfig(files, text);
      await applyAtRuntime(files, news.backend, news.activeColor, slots, healthy);
    }
    const live = await observeBoth(files.socketPath, news.backend);
    const drift = [
      ...slotDrift(live.observed, slots),
      ...slotDrift(live.previewObserved, previewSlots(slots, news.activeColor)).map(
        (problem) => `preview ${problem}`,
      ),
    ];
    if (drift.length > 0)
      throw new Error(`HAProxy for ${news.outpost} did not take the change: ${drift.join("; ")}`);
    return {
      outs: outputsOf(
        { ...news, runDir: olds.runDir },
        { ...listen, ...live, pid, files, running: true },
      ),
    };
  },

  async delete(id, props) {
    const files = haproxyFiles(path.dirname(props.configFile), props.socketPath);
    const pidOnDisk = readPidFile(files.pidFile);
    await stopProcessGroup(props.pid, id);
    if (pidOnDisk !== props.pid) await stopProcessGroup(pidOnDisk, id);
    fs.rmSync(files.dir, { recursive: true, force: true });
    fs.rmSync(files.socketPath, { force: true });
  },
};
