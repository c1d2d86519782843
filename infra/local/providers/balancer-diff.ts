import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { COLORS } from "../../contract";
import { desiredSlots, previewSlots, ServerSlot, slotProblem } from "../haproxy/slots";
import { changedKeys } from "./changes";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

/** Every input except the run dir and binary, which only matter when HAProxy (re)starts. */
const BALANCER_KEYS = [
  "outpost",
  "activeColor",
  "candidateWeight",
  "versions",
  "backend",
  "slotsPerColor",
  "ports",
  "weights",
  "healthCheck",
  "tags",
] as const;

/**
 * False while the pools' ports are still unknown (a preview before the pools exist): Pulumi
 * passes a placeholder string then, and nothing can be said about slots yet.
 */
export function portsKnown(inputs: Pick<BalancerInputs, "ports">): boolean {
  const ports: unknown = inputs.ports;
  return (
    typeof ports === "object" &&
    ports !== null &&
    COLORS.every((c) => {
      const list: unknown = (ports as Record<string, unknown>)[c];
      return Array.isArray(list) && list.every((port) => typeof port === "number");
    })
  );
}

function outOfStep(applied: readonly AppliedSlot[], desired: readonly ServerSlot[]): string[] {
  const byName = new Map(applied.map((slot) => [slot.name, slot]));
  return desired
    .filter((slot) => {
      const live = byName.get(slot.name);
      if (live === undefined) return true;
      if (!slot.enabled) return live.enabled;
      return !live.enabled || live.port !== slot.port || live.weight !== slot.weight;
    })
    .map((slot) => slot.name);
}

/**
 * Slots whose live state (last read) differs from what these inputs ask for, on the
 * production backend and on the preview backend (`preview:<slot>`).
 */
export function slotsOutOfStep(olds: BalancerOutputs, news: BalancerInputs): string[] {
  const desired = desiredSlots(news);
  return [
    ...outOfStep(olds.applied, desired),
    ...outOfStep(olds.previewApplied ?? [], previewSlots(desired, news.activeColor)).map(
      (name) => `preview:${name}`,
    ),
  ];
}

/**
 * Diff of a balancer: always an update, never a replacement. Weights, servers and metadata
 * go through the runtime API; structure (slots, health check, backend name) through a
 * seamless reload; a dead HAProxy is restarted on its old ports. The frontend and preview
 * ports, and so the endpoints the driver probes, never change. A state from before the
 * preview frontend (no previewPort) is updated to get one.
 */
export function diffBalancer(olds: BalancerOutputs, news: BalancerInputs): DiffResult {
  const changed = changedKeys(olds, news, BALANCER_KEYS);
  const drift =
    portsKnown(news) && slotProblem(news) === undefined ? slotsOutOfStep(olds, news) : [];
  const noPreview = (olds.previewPort as number | undefined) === undefined;
  return {
    changes: changed.length > 0 || drift.length > 0 || !olds.running || noPreview,
    replaces: [],
    deleteBeforeReplace: false,
  };
}

/** Why these balancer inputs are unusable; empty when they are fine. */
export function balancerInputProblems(
  news: BalancerInputs,
): { property: string; reason: string }[] {
  const problems: { property: string; reason: string }[] = [];
  if (!Number.isInteger(news.slotsPerColor) || news.slotsPerColor < 1) {
    problems.push({
      property: "slotsPerColor",
      reason: `must be a whole number above 0; got ${String(news.slotsPerColor)}`,
    });
  }
  const total = COLORS.reduce((sum, c) => sum + news.weights[c], 0);
  if (total !== 100 || COLORS.some((c) => news.weights[c] < 0)) {
    problems.push({
      property: "weights",
      reason: `must be percentages adding up to 100; got ${JSON.stringify(news.weights)}`,
    });
  }
  const slots = portsKnown(news) ? slotProblem(news) : undefined;
  if (slots !== undefined) problems.push({ property: "ports", reason: slots });
  return problems;
}
