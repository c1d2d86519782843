/** Pure shaping of a balancer's state: its HAProxy spec, and its outputs from what HAProxy reports. */
import { HaproxySpec } from "../haproxy/config";
import { HaproxyFiles } from "../haproxy/haproxy-process";
import { inMaintenance, isServing, ObservedServer } from "../haproxy/server-state";
import { desiredSlots, ServerSlot, slotNames } from "../haproxy/slots";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

export function specOf(
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

export function outputsOf(
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
