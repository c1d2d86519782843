import { invalidValue } from "../support/user-error";
import { type StepSpec, TEST_STEP } from "./plan-types";

/**
 * Candidate weights, in percent, through which traffic moves to the new color; the last is
 * always 100 and becomes the flip. [100] is a single flip; [10, 50, 100] a stepped shift.
 */
export type TrafficSteps = readonly number[];

export function parseTrafficSteps(text: string, flag = "--traffic-steps"): TrafficSteps {
  const allowed = "must be rising percentages from 1 to 100 ending in 100, like 100 or 10,50,100";
  const parts = text.split(",").map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) throw invalidValue(flag, text, allowed);
  const weights = parts.map(Number);
  validateTrafficSteps(weights, flag, text, allowed);
  return weights;
}

export function validateTrafficSteps(
  weights: readonly number[],
  what: string,
  shown: unknown = weights,
  allowed = "must be rising percentages from 1 to 100 ending in 100",
): void {
  const rising = weights.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > weights[i - 1]));
  if (weights.length === 0 || !rising || weights[weights.length - 1] !== 100) {
    throw invalidValue(what, shown, allowed);
  }
}

/**
 * The stage's steps: deploy the idle color, verify it, move traffic, (watch EKS), (test), bake.
 * With a fleet-wide prestage the idle color is already up, so the stage starts at verify. A
 * staging stage runs the test gates once it serves the release on all its traffic.
 */
export function stepsFor(
  traffic: TrafficSteps,
  withEksCanary: boolean,
  prestaged = false,
  tested = false,
): StepSpec[] {
  const shifts: StepSpec[] = traffic
    .slice(0, -1)
    .map((weight) => ({ id: `shift-${weight}`, kind: "shift", weight }));
  return [
    ...(prestaged ? [] : [{ id: "deploy-idle", kind: "deploy-idle" } as const]),
    { id: "verify", kind: "verify" },
    ...shifts,
    { id: "flip", kind: "flip" },
    ...(withEksCanary ? [{ id: "canary", kind: "canary" } as const] : []),
    ...(tested ? [{ id: TEST_STEP, kind: "test" } as const] : []),
    { id: "bake", kind: "bake" },
  ];
}
