import type * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { COLORS } from "../../contract";
import { HaproxySpec, needsReload, renderHaproxyConfig } from "../haproxy/config";
import {
  haproxyFiles,
  HaproxyFiles,
  reloadHaproxy,
  startHaproxy,
  validateConfig,
  writeConfig,
} from "../haproxy/haproxy-process";
import { runtimeCommand } from "../haproxy/runtime-client";
import { planRuntimeChanges, slotDrift } from "../haproxy/runtime-plan";
import {
  inMaintenance,
  isServing,
  ObservedServer,
  parseServersState,
} from "../haproxy/server-state";
import { desiredSlots, ServerSlot, slotNames } from "../haproxy/slots";
import { runtimeSocketPath } from "../haproxy/socket-path";
import { freeLoopbackPort } from "../process/ports";
import { httpStatus, waitFor } from "../process/probes";
import { isRunning, readPidFile, stopProcessGroup } from "../process/processes";
import { balancerInputProblems, diffBalancer } from "./balancer-diff";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

/** How long servers that are about to take traffic may take to pass their checks. */
export const SERVERS_HEALTHY_TIMEOUT_MS = 15_000;
/** Attempts at a free frontend port: another process may grab the one we picked. */
const PORT_ATTEMPTS = 3;

function specOf(
  inputs: BalancerInputs,
  frontendPort: number,
  socketPath: string,
  slots: readonly ServerSlot[],
): HaproxySpec {
  return {
    outpost: inputs.outpost,
    backend: inputs.backend,
    frontendPort,
    socketPath,
    healthCheck: inputs.healthCheck,
    slots,
  };
}

/** Slots with nothing in them: enough to compare structures, which only look at names. */
function emptySlots(slotsPerColor: number): ServerSlot[] {
  return desiredSlots({
    slotsPerColor,
    ports: { blue: [], green: [] },
    weights: { blue: 100, green: 0 },
  });
}

async function observe(socketPath: string, backend: string): Promise<ObservedServer[]> {
  return parseServersState(await runtimeCommand(socketPath, `show servers state ${backend}`));
}

function appliedOf(observed: readonly ObservedServer[]): AppliedSlot[] {
  return observed.map((server) => {
    const enabled = !inMaintenance(server);
    return {
      name: server.name,
      port: enabled ? server.port : null,
      weight: enabled ? server.weight : 0,
      enabled,
      serving: isServing(server),
    };
  });
}

function healthOf(applied: readonly AppliedSlot[]): BalancerOutputs["health"] {
  const of = (color: string) => {
    const slots = applied.filter((slot) => slot.enabled && slot.name.startsWith(`${color}-`));
    return { up: slots.filter((slot) => slot.serving).length, total: slots.length };
  };
  return { blue: of("blue"), green: of("green") };
}

function outputsOf(
  inputs: BalancerInputs,
  live: {
    frontendPort: number;
    pid: number;
    files: HaproxyFiles;
    observed: readonly ObservedServer[];
    running: boolean;
  },
): BalancerOutputs {
  const applied = appliedOf(live.observed);
  const names = slotNames(inputs.slotsPerColor);
  return {
    ...inputs,
    frontendPort: live.frontendPort,
    endpoint: `http://127.0.0.1:${live.frontendPort}`,
    pid: live.pid,
    running: live.running,
    socketPath: live.files.socketPath,
    configFile: live.files.configFile,
    servers: {
      blue: names.blue.map((n) => `${inputs.backend}/${n}`),
      green: names.green.map((n) => `${inputs.backend}/${n}`),
    },
    applied,
    health: healthOf(applied),
  };
}

/** How long the processes behind weighted servers get to answer their health path. */
const PREFLIGHT_TIMEOUT_MS = 5_000;

/**
 * Before HAProxy sends traffic to a server, the process behind it should answer its health
 * path: the local counterpart of "target group healthy" before an ALB switch. Waits for all
 * weighted servers; settles for at least one healthy server per weighted color, so that one
 * dead process (until `refresh` notices it) cannot block a rollback. Returns the healthy ones.
 */
async function healthyWeightedSlots(
  slots: readonly ServerSlot[],
  healthPath: string,
): Promise<Set<string>> {
  const weighted = slots.filter((slot) => slot.enabled && slot.port !== null && slot.weight > 0);
  const probe = async () => {
    const statuses = await Promise.all(weighted.map((slot) => httpStatus(slot.port!, healthPath)));
    return new Set(weighted.filter((_, i) => statuses[i] === 200).map((slot) => slot.name));
  };
  let healthy = await probe();
  const deadline = Date.now() + PREFLIGHT_TIMEOUT_MS;
  while (healthy.size < weighted.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    healthy = await probe();
  }
  const starved = COLORS.filter(
    (color) =>
      weighted.some((slot) => slot.color === color) &&
      !weighted.some((slot) => slot.color === color && healthy.has(slot.name)),
  );
  if (starved.length > 0) {
    const listed = weighted.map((slot) => `${slot.name} (127.0.0.1:${slot.port})`).join(", ");
    throw new Error(
      `no server of ${starved.join(" and ")} answers 200 on ${healthPath} (servers: ${listed}); traffic was not moved. ` +
        `If processes died, \`pulumi up --refresh\` restarts them.`,
    );
  }
  return healthy;
}

/** Runs a plan phase by phase; traffic moves only once the healthy receiving servers are in service. */
async function applyAtRuntime(
  files: HaproxyFiles,
  backend: string,
  slots: readonly ServerSlot[],
  healthy: ReadonlySet<string>,
): Promise<void> {
  const plan = planRuntimeChanges(backend, await observe(files.socketPath, backend), slots);
  if (plan.prepare.length > 0) await runtimeCommand(files.socketPath, plan.prepare);
  const awaited = plan.mustServe.filter((name) => healthy.has(name));
  await waitFor(
    async () => {
      const observed = await observe(files.socketPath, backend);
      const serving = new Set(observed.filter(isServing).map((server) => server.name));
      return awaited.every((name) => serving.has(name)) ? true : undefined;
    },
    SERVERS_HEALTHY_TIMEOUT_MS,
    () => `HAProxy does not report ${awaited.join(", ")} as up; traffic was not moved`,
  );
  for (const phase of [plan.raise, plan.lower, plan.retire]) {
    if (phase.length > 0) await runtimeCommand(files.socketPath, phase);
  }
}

async function startOnFreePort(
  inputs: BalancerInputs,
  files: HaproxyFiles,
  marker: string,
  slots: readonly ServerSlot[],
  preferredPort?: number,
): Promise<{ frontendPort: number; pid: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const frontendPort =
      attempt === 0 && preferredPort !== undefined ? preferredPort : await freeLoopbackPort();
    const text = renderHaproxyConfig(specOf(inputs, frontendPort, files.socketPath, slots));
    if (attempt === 0) await validateConfig(inputs.haproxyBin, files, text);
    writeConfig(files, text);
    try {
      return {
        frontendPort,
        pid: await startHaproxy(inputs.haproxyBin, files, frontendPort, marker),
      };
    } catch (error) {
      lastError = error;
      await stopProcessGroup(readPidFile(files.pidFile), marker);
    }
  }
  throw lastError;
}

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
    await validateConfig(news.haproxyBin, files, text);
    if (!isRunning(pid, id)) {
      // Come back on the same port, so the endpoint stays; a new one only if it was taken.
      ({ frontendPort, pid } = await startOnFreePort(news, files, id, slots, frontendPort));
    } else if (
      needsReload(
        specOf(olds, frontendPort, files.socketPath, emptySlots(olds.slotsPerColor)),
        spec,
      )
    ) {
      writeConfig(files, text);
      await reloadHaproxy(pid, files);
    } else {
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
