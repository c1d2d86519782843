import type * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { needsReload, renderHaproxyConfig } from "../haproxy/config";
import {
  haproxyFiles,
  reloadHaproxy,
  validateConfig,
  writeConfig,
} from "../haproxy/haproxy-process";
import { slotDrift } from "../haproxy/runtime-plan";
import { desiredSlots } from "../haproxy/slots";
import { runtimeSocketPath } from "../haproxy/socket-path";
import { isRunning, readPidFile, stopProcessGroup } from "../process/processes";
import { balancerInputProblems, diffBalancer } from "./balancer-diff";
import { applyAtRuntime, healthyWeightedSlots, observe, startOnFreePort } from "./balancer-runtime";
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
    const { frontendPort, pid } = await startOnFreePort(inputs, files, id, slots);
    try {
      const observed = await observe(files.socketPath, inputs.backend);
      return { id, outs: outputsOf(inputs, { frontendPort, pid, files, observed, running: true }) };
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
    const observed = running ? await observe(files.socketPath, props.backend).catch(() => []) : [];
    return {
      id,
      props: outputsOf(props, {
        frontendPort: props.frontendPort,
        pid: props.pid,
        files,
        observed,
        running,
      }),
    };
  },

  async update(id, olds, news) {
    const files = haproxyFiles(path.dirname(olds.configFile), olds.socketPath);
    const slots = desiredSlots(news);
    const healthy = await healthyWeightedSlots(slots, news.healthCheck.path);
    let { frontendPort, pid } = olds;
    const spec = specOf(news, frontendPort, files.socketPath, slots);
    const text = renderHaproxyConfig(spec);
    if (!isRunning(pid, id)) {
      // Come back on the same port, so the endpoint stays; a new one only if it was taken.
      ({ frontendPort, pid } = await startOnFreePort(news, files, id, slots, frontendPort));
    } else if (
      needsReload(
        specOf(olds, frontendPort, files.socketPath, emptySlots(olds.slotsPerColor)),
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
      await applyAtRuntime(files, news.backend, slots, healthy);
    }
    const observed = await observe(files.socketPath, news.backend);
    const drift = slotDrift(observed, slots);
    if (drift.length > 0)
      throw new Error(`HAProxy for ${news.outpost} did not take the change: ${drift.join("; ")}`);
    return {
      outs: outputsOf(
        { ...news, runDir: olds.runDir },
        { frontendPort, pid, files, observed, running: true },
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
