import { inMaintenance, ObservedServer } from "./server-state";
import { ServerSlot } from "./slots";

/**
 * Runtime API commands that move a live backend to the desired slots, in an order that never
 * leaves traffic without a server:
 *  1. prepare: point slots at their processes and bring new ones out of maintenance at weight 0;
 *  2. (the caller checks that every server in `mustServe` is healthy);
 *  3. raise weights, 4. lower weights: the new color takes traffic before the old one lets go;
 *  5. retire: slots whose process went away go back to maintenance.
 * Every command is idempotent, so running a plan twice is harmless.
 */
export interface RuntimePlan {
  readonly prepare: string[];
  readonly mustServe: string[];
  readonly raise: string[];
  readonly lower: string[];
  readonly retire: string[];
}

export function planRuntimeChanges(
  backend: string,
  observed: readonly ObservedServer[],
  desired: readonly ServerSlot[],
): RuntimePlan {
  const plan: RuntimePlan = { prepare: [], mustServe: [], raise: [], lower: [], retire: [] };
  const byName = new Map(observed.map((server) => [server.name, server]));
  for (const slot of desired) {
    const live = byName.get(slot.name);
    if (live === undefined) {
      throw new Error(`HAProxy backend ${backend} has no server ${slot.name}; its config is stale`);
    }
    const server = `${backend}/${slot.name}`;
    const wasOff = inMaintenance(live);
    const liveWeight = wasOff ? 0 : live.weight;
    if (!slot.enabled) {
      if (!wasOff) plan.retire.push(`set weight ${server} 0`, `set server ${server} state maint`);
      continue;
    }
    if (live.port !== slot.port || live.address !== "127.0.0.1") {
      plan.prepare.push(`set server ${server} addr 127.0.0.1 port ${slot.port}`);
    }
    if (wasOff) plan.prepare.push(`set weight ${server} 0`, `set server ${server} state ready`);
    if (slot.weight > 0) plan.mustServe.push(slot.name);
    if (slot.weight > liveWeight) plan.raise.push(`set weight ${server} ${slot.weight}`);
    if (slot.weight < liveWeight) plan.lower.push(`set weight ${server} ${slot.weight}`);
  }
  return plan;
}

/**
 * Runtime API commands that move the preview backend to its desired slots. Its servers track
 * their production twins (health and maintenance), so only addresses and weights are set:
 *  - `addresses` go with the production `prepare` phase, so both backends point at one process;
 *  - `weights` go after the production weights have moved: the old candidate lets go first,
 *    then the new one takes over, so the preview never reaches the active color. Both are
 *    sent in one runtime API call, which leaves a gap of microseconds with no server there.
 */
export interface PreviewPlan {
  readonly addresses: string[];
  readonly weights: string[];
}

export function planPreviewChanges(
  backend: string,
  observed: readonly ObservedServer[],
  desired: readonly ServerSlot[],
): PreviewPlan {
  const addresses: string[] = [];
  const lower: string[] = [];
  const raise: string[] = [];
  const byName = new Map(observed.map((server) => [server.name, server]));
  for (const slot of desired) {
    const live = byName.get(slot.name);
    if (live === undefined) {
      throw new Error(`HAProxy backend ${backend} has no server ${slot.name}; its config is stale`);
    }
    const server = `${backend}/${slot.name}`;
    if (slot.enabled && (live.port !== slot.port || live.address !== "127.0.0.1")) {
      addresses.push(`set server ${server} addr 127.0.0.1 port ${slot.port}`);
    }
    if (slot.weight < live.weight) lower.push(`set weight ${server} ${slot.weight}`);
    if (slot.weight > live.weight) raise.push(`set weight ${server} ${slot.weight}`);
  }
  return { addresses, weights: [...lower, ...raise] };
}

/** Differences between what HAProxy reports and the desired slots; empty when they agree. */
export function slotDrift(
  observed: readonly ObservedServer[],
  desired: readonly ServerSlot[],
): string[] {
  const byName = new Map(observed.map((server) => [server.name, server]));
  return desired.flatMap((slot) => {
    const live = byName.get(slot.name);
    if (live === undefined) return [`${slot.name}: missing`];
    const off = inMaintenance(live);
    if (!slot.enabled) return off ? [] : [`${slot.name}: in service, expected maintenance`];
    const problems: string[] = [];
    if (off) problems.push(`${slot.name}: in maintenance, expected in service`);
    if (live.port !== slot.port)
      problems.push(`${slot.name}: port ${live.port}, expected ${slot.port}`);
    if (live.weight !== slot.weight)
      problems.push(`${slot.name}: weight ${live.weight}, expected ${slot.weight}`);
    return problems;
  });
}
