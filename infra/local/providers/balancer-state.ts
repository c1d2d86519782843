/** Pure shaping of a balancer's state: its HAProxy spec, and its outputs from what HAProxy reports. */
import { HaproxySpec, previewBackendName } from "../haproxy/haproxy-config";
import { HaproxyFiles } from "../haproxy/haproxy-process";
import { inMaintenance, isServing, ObservedServer } from "../haproxy/server-state";
import { desiredSlots, previewSlots, ServerSlot, slotNames } from "../haproxy/slots";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

/** The two loopback ports a balancer listens on; both stay for the stack's life. */
export interface ListenPorts {
  readonly frontendPort: number;
  readonly previewPort: number;
}

export function specOf(
  inputs: BalancerInputs,
  listen: ListenPorts,
  socketPath: string,
  slots: readonly ServerSlot[],
): HaproxySpec {
  return {
    outpost: inputs.outpost,
    backend: inputs.backend,
    frontendPort: listen.frontendPort,
    previewPort: listen.previewPort,
    socketPath,
    healthCheck: inputs.healthCheck,
    slots,
    previewSlots: previewSlots(slots, inputs.activeColor),
  };
}

/** Slots with nothing in them: enough to compare structures, which only look at names. */
export function emptySlots(slotsPerColor: number): ServerSlot[] {
  return desiredSlots({
    slotsPerColor,
    ports: { blue: [], green: [] },
    weights: { blue: 100, green: 0 },
  });
}

export function appliedOf(observed: readonly ObservedServer[]): AppliedSlot[] {
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

export function healthOf(applied: readonly AppliedSlot[]): BalancerOutputs["health"] {
  const of = (color: string) => {
    const slots = applied.filter((slot) => slot.enabled && slot.name.startsWith(`${color}-`));
    return { up: slots.filter((slot) => slot.serving).length, total: slots.length };
  };
  return { blue: of("blue"), green: of("green") };
}

/** What HAProxy reported of both backends at one moment. */
export interface LiveBalancer extends ListenPorts {
  readonly pid: number;
  readonly files: HaproxyFiles;
  readonly observed: readonly ObservedServer[];
  readonly previewObserved: readonly ObservedServer[];
  readonly running: boolean;
}

export function outputsOf(inputs: BalancerInputs, live: LiveBalancer): BalancerOutputs {
  const applied = appliedOf(live.observed);
  const names = slotNames(inputs.slotsPerColor);
  return {
    ...inputs,
    frontendPort: live.frontendPort,
    endpoint: `http://127.0.0.1:${live.frontendPort}`,
    previewPort: live.previewPort,
    previewEndpoint: `http://127.0.0.1:${live.previewPort}`,
    previewBackend: previewBackendName(inputs.backend),
    pid: live.pid,
    running: live.running,
    socketPath: live.files.socketPath,
    configFile: live.files.configFile,
    servers: {
      blue: names.blue.map((n) => `${inputs.backend}/${n}`),
      green: names.green.map((n) => `${inputs.backend}/${n}`),
    },
    applied,
    previewApplied: appliedOf(live.previewObserved),
    health: healthOf(applied),
  };
}
