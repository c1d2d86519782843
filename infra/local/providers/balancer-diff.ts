import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { COLORS } from "../../contract";
import { desiredSlots, slotProblem } from "../haproxy/slots";
import { changedKeys } from "./changes";
import { BalancerInputs, BalancerOutputs } from "./balancer-types";

/** Every input except the run dir and binary, which only matter when HAProxy (re)starts. */
const BALANCER_KEYS = [
  "outpost",
  "color",
  "version",
  "activeColor",
  "candidateWeight",
  "versions",
  "backend",
  "slotsPerColor",
  "ports",
  "weights",
  "healthCheck",
  "tags",
  "fingerprint",
  "releaseVersion",
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

/** Slots whose live state (last read) differs from what these inputs ask for. */
export function slotsOutOfStep(olds: BalancerOutputs, news: BalancerInputs): string[] {
  const applied = new Map(olds.applied.map((slot) => [slot.name, slot]));
  return desiredSlots(news)
    .filter((slot) => {
      const live = applied.get(slot.name);
      if (live === undefined) return true;
      if (!slot.enabled) return live.enabled;
      return !live.enabled || live.port !== slot.port || live.weight !== slot.weight;
    })
    .map((slot) => slot.name);
}

/**
 * Diff of a balancer: always an update, never a replacement. Weights, servers and metadata
 * go through the runtime API; structure (slots, health check, backend name) through a
 * seamless reload; a dead HAProxy is restarted on its old port. The frontend port, and so the
 * endpoint the driver probes, never changes.
 */
export function diffBalancer(olds: BalancerOutputs, news: BalancerInputs): DiffResult {
  const changed = changedKeys(olds, news, BALANCER_KEYS);
  const drift =
    portsKnown(news) && slotProblem(news) === undefined ? slotsOutOfStep(olds, news) : [];
  return {
    changes: changed.length > 0 || drift.length > 0 || !olds.running,
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
