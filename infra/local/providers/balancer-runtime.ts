/** What the balancer provider does to a live HAProxy: observe it, start it, move its traffic. */
import { COLORS } from "../../contract";
import { renderHaproxyConfig } from "../haproxy/config";
import {
  HaproxyFiles,
  startHaproxy,
  validateConfig,
  writeConfig,
} from "../haproxy/haproxy-process";
import { runtimeCommand } from "../haproxy/runtime-client";
import { planRuntimeChanges } from "../haproxy/runtime-plan";
import { isServing, ObservedServer, parseServersState } from "../haproxy/server-state";
import { ServerSlot } from "../haproxy/slots";
import { freeLoopbackPort } from "../process/ports";
import { httpStatus, waitFor } from "../process/probes";
import { readPidFile, stopProcessGroup } from "../process/processes";
import { specOf } from "./balancer-state";
import { BalancerInputs } from "./balancer-types";

/** How long servers that are about to take traffic may take to pass their checks. */
export const SERVERS_HEALTHY_TIMEOUT_MS = 15_000;
/** Attempts at a free frontend port: another process may grab the one we picked. */
const PORT_ATTEMPTS = 3;

export async function observe(socketPath: string, backend: string): Promise<ObservedServer[]> {
  return parseServersState(await runtimeCommand(socketPath, `show servers state ${backend}`));
}

/** How long the processes behind weighted servers get to answer their health path. */
const PREFLIGHT_TIMEOUT_MS = 5_000;

/**
 * Before HAProxy sends traffic to a server, the process behind it should answer its health
 * path: the local counterpart of "target group healthy" before an ALB switch. Waits for all
 * weighted servers; settles for at least one healthy server per weighted color, so that one
 * dead process (until `refresh` notices it) cannot block a rollback. Returns the healthy ones.
 */
export async function healthyWeightedSlots(
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
export async function applyAtRuntime(
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

export async function startOnFreePort(
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
