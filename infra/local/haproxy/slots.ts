import { Color, COLORS, otherColor } from "../../contract";
import { serverWeights } from "../sizing";

/**
 * One pre-declared HAProxy server. Every color owns `slotsPerColor` of them from the start, so
 * pools can grow, shrink or move to new ports through the runtime API without a reload.
 */
export interface ServerSlot {
  /** `blue-1`, `green-2`: stable names, the local target's "target groups". */
  readonly name: string;
  readonly color: Color;
  /** 1-based, matching the pool process in the same slot. */
  readonly index: number;
  /** Loopback port of the process behind the slot; null for an empty slot. */
  readonly port: number | null;
  readonly weight: number;
  /** False: the slot is in maintenance and takes no traffic and no health checks. */
  readonly enabled: boolean;
}

export interface SlotInputs {
  readonly slotsPerColor: number;
  /** Ports of each pool's processes, in slot order. */
  readonly ports: Readonly<Record<Color, readonly number[]>>;
  /** Traffic share per color, in percent. */
  readonly weights: Readonly<Record<Color, number>>;
}

export function slotName(color: Color, index: number): string {
  return `${color}-${index}`;
}

/** Server names by color, all slots, for outputs and `show servers state` lookups. */
export function slotNames(slotsPerColor: number): Record<Color, string[]> {
  return Object.fromEntries(
    COLORS.map((c) => [c, Array.from({ length: slotsPerColor }, (_, i) => slotName(c, i + 1))]),
  ) as Record<Color, string[]>;
}

/** Why a balancer cannot take these pools; undefined when it can. */
export function slotProblem(inputs: SlotInputs): string | undefined {
  for (const color of COLORS) {
    const count = inputs.ports[color].length;
    if (count > inputs.slotsPerColor) {
      return (
        `the ${color} pool runs ${count} processes but the balancer declares ${inputs.slotsPerColor} ` +
        `server slots per color; raise the Outpost's capacity.max to at least ${count}`
      );
    }
  }
  return undefined;
}

/** The desired state of every slot: pool ports fill slots in order, the rest stay disabled. */
export function desiredSlots(inputs: SlotInputs): ServerSlot[] {
  const problem = slotProblem(inputs);
  if (problem !== undefined) throw new Error(problem);
  const counts = Object.fromEntries(COLORS.map((c) => [c, inputs.ports[c].length])) as Record<
    Color,
    number
  >;
  const perServer = serverWeights(inputs.weights, counts);
  return COLORS.flatMap((color) =>
    Array.from({ length: inputs.slotsPerColor }, (_, i) => {
      const port = inputs.ports[color][i] ?? null;
      return {
        name: slotName(color, i + 1),
        color,
        index: i + 1,
        port,
        weight: port === null ? 0 : perServer[color],
        enabled: port !== null,
      };
    }),
  );
}

/**
 * The preview backend's slots: the production slots with their ports, and weight 1 on every
 * enabled slot of the candidate color (the one that is not active), 0 on the rest. The
 * production weights play no part: the preview reaches the candidate at 0% and at 50% alike,
 * and never the active color. No enabled candidate slot means HAProxy answers 503 there.
 */
export function previewSlots(slots: readonly ServerSlot[], activeColor: Color): ServerSlot[] {
  const candidate = otherColor(activeColor);
  return slots.map((slot) => ({
    ...slot,
    weight: slot.enabled && slot.color === candidate ? 1 : 0,
  }));
}
