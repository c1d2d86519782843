/** What the balancer provider does to a live HAProxy: observe it, start it, move its traffic. */
import { Color, COLORS } from "../../contract";
import { previewBackendName, renderHaproxyConfig } from "../haproxy/haproxy-config";
import {
  HaproxyFiles,
  startHaproxy,
  validateConfig,
  writeConfig,
} from "../haproxy/haproxy-process";
import { runtimeCommand } from "../haproxy/runtime-client";
import { planPreviewChanges, planRuntimeChanges } from "../haproxy/runtime-plan";
import { isServing, ObservedServer, parseServersState } from "../haproxy/server-state";
import { previewSlots, ServerSlot } from "../haproxy/slots";
import { freeLoopbackPort } from "../process/ports";
import { httpStatus, waitFor } from "../process/probes";
import { readPidFile, stopProcessGroup } from "../process/processes";
import { ListenPorts, specOf } from "./balancer-state";
import { BalancerInputs } from "./balancer-types";

/** How long servers that are about to take traffic may take to pass their checks. */
export const SERVERS_HEALTHY_TIMEOUT_MS = 15_000;
/** Attempts at a free frontend port: another process may grab the one we picked. */
const PORT_ATTEMPTS = 3;

export async function observe(socketPath: string, backend: string): Promise<ObservedServer[]> {
  return parseServersState(await runtimeCommand(socketPath, `show servers state ${backend}`));
}

/** Both backends of a balancer: production, and the preview that mirrors its slots. */
export async function observeBoth(
  socketPath: string,
  backend: string,
): Promise<{ observed: ObservedServer[]; previewObserved: ObservedServer[] }> {
  const [observed, previewObserved] = await Promise.all([
    observe(socketPath, backend),
    observe(socketPath, previewBackendName(backend)),
  ]);
  return { observed, previewObserved };
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

/**
 * Runs a plan phase by phase; traffic moves only once the healthy receiving servers are in
 * service. The preview backend follows: its addresses with the prepare phase, its weights once
 * the production weights have moved (the preview is the candidate's, and the candidate changes
 * only once the new active color carries production).
 */
export async function applyAtRuntime(
  files: HaproxyFiles,
  backend: string,
  activeColor: Color,
  slots: readonly ServerSlot[],
  healthy: ReadonlySet<string>,
): Promise<void> {
  const live = await observeBoth(files.socketPath, backend);
  const plan = planRuntimeChanges(backend, live.observed, slots);
  const preview = planPreviewChanges(
    previewBackendName(backend),
    live.previewObserved,
    previewSlots(slots, activeColor),
  );
  const prepare = [...plan.prepare, ...preview.addresses];
  if (prepare.length > 0) await runtimeCommand(files.socketPath, prepare);
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
  // The preview's weights ride with the lowering: one runtime API call, still in that order.
  for (const phase of [plan.raise, [...plan.lower, ...preview.weights], plan.retire]) {
    if (phase.length > 0) await runtimeCommand(files.socketPath, phase);
  }
}

/**
 * Starts HAProxy with the kernel's choice of two free loopback ports (frontend and preview),
 * or the preferred ones first, so that a restarted balancer keeps its endpoints. Another
 * process may take a port between the choice and the bind: then it tries new ports.
 */
export async function startOnFreePorts(
  inputs: BalancerInputs,
  files: HaproxyFiles,
  marker: string,
  slots: readonly ServerSlot[],
  preferred: Partial<ListenPorts> = {},
): Promise<ListenPorts & { pid: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const pick = async (port: number | undefined) =>
      attempt === 0 && port !== undefined ? port : freeLoopbackPort();
    const frontendPort = await pick(preferred.frontendPort);
    let previewPort = await pick(preferred.previewPort);
    // Two quick picks can return the same port once the first probe socket is closed.
    while (previewPort === frontendPort) previewPort = await freeLoopbackPort();
    const listen = { frontendPort, previewPort };
    const text = renderHaproxyConfig(specOf(inputs, listen, files.socketPath, slots));
    if (attempt === 0) await validateConfig(inputs.haproxyBin, files, text);
    writeConfig(files, text);
    try {
      return {
        ...listen,
        pid: await startHaproxy(inputs.haproxyBin, files, [frontendPort, previewPort], marker),
      };
    } catch (error) {
      lastError = error;
      await stopProcessGroup(readPidFile(files.pidFile), marker);
    }
  }
  throw lastError;
}
