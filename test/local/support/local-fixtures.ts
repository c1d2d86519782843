import { AppPoolInputs, AppPoolOutputs } from "../../../infra/local/providers/pool-types";
import { BalancerInputs, BalancerOutputs } from "../../../infra/local/providers/balancer-types";
import { desiredSlots, previewSlots } from "../../../infra/local/haproxy/slots";

/** Inputs and outputs of the dynamic providers, as a site would pass them; tests change one field. */
export function poolInputs(overrides: Partial<AppPoolInputs> = {}): AppPoolInputs {
  return {
    outpost: "nyc-lab1",
    color: "blue",
    version: "2.0.0",
    count: 2,
    faults: { errorRate: 0, latencyMs: 0 },
    runDir: "/tmp/outpost-fleet-test/run",
    appEntry: "/repo/app/launch.js",
    readyPath: "/ready",
    tags: { Environment: "staging", AppVersion: "2.0.0", Color: "blue" },
    ...overrides,
  };
}

export function poolState(overrides: Partial<AppPoolOutputs> = {}): AppPoolOutputs {
  const processes = overrides.processes ?? [
    { slot: 1, pid: 101, port: 4001 },
    { slot: 2, pid: 102, port: 4002 },
  ];
  return { ...poolInputs(overrides), processes, ports: processes.map((p) => p.port), ...overrides };
}

export function balancerInputs(overrides: Partial<BalancerInputs> = {}): BalancerInputs {
  return {
    outpost: "nyc-lab1",
    activeColor: "blue",
    candidateWeight: 0,
    versions: { blue: "2.0.0", green: "2.1.0" },
    backend: "storefront",
    slotsPerColor: 2,
    ports: { blue: [4001, 4002], green: [5001, 5002] },
    weights: { blue: 100, green: 0 },
    healthCheck: { path: "/health", intervalMs: 500, timeoutMs: 400, rise: 2, fall: 2 },
    runDir: "/tmp/outpost-fleet-test/run",
    haproxyBin: "/usr/sbin/haproxy",
    tags: { Environment: "staging", Outpost: "nyc-lab1" },
    ...overrides,
  };
}

/** A balancer's state right after create/update with `inputs`: HAProxy matches them. */
export function balancerState(
  inputs: BalancerInputs = balancerInputs(),
  overrides: Partial<BalancerOutputs> = {},
): BalancerOutputs {
  const appliedOf = (slots: ReturnType<typeof desiredSlots>) =>
    slots.map((slot) => ({
      name: slot.name,
      port: slot.port,
      weight: slot.weight,
      enabled: slot.enabled,
      serving: slot.enabled,
    }));
  const slots = desiredSlots(inputs);
  return {
    ...inputs,
    frontendPort: 18080,
    endpoint: "http://127.0.0.1:18080",
    previewPort: 18081,
    previewEndpoint: "http://127.0.0.1:18081",
    previewBackend: "storefront-preview",
    pid: 4242,
    running: true,
    socketPath: "/tmp/outpost-fleet-test/run/lb/haproxy.sock",
    configFile: "/tmp/outpost-fleet-test/run/lb/haproxy.cfg",
    servers: {
      blue: ["storefront/blue-1", "storefront/blue-2"],
      green: ["storefront/green-1", "storefront/green-2"],
    },
    applied: appliedOf(slots),
    previewApplied: appliedOf(previewSlots(slots, inputs.activeColor)),
    health: { blue: { up: 2, total: 2 }, green: { up: 2, total: 2 } },
    ...overrides,
  };
}
