import {
  type Color,
  initialDeploymentState,
  otherColor,
  type OutpostDeploymentState,
  versionOf,
} from "../../infra/contract";
import type { StepSpec } from "../plan/plan-types";

/**
 * Pure step logic for one Outpost. Every target state is computed from the Outpost's state
 * when the release started (its baseline), never from its current state: a step that is run
 * again after a crash asks for the same state, so a flip can never happen twice.
 */

// Shared with the infra program: both read the deployment state the same way.
export { initialDeploymentState, versionOf };

const VERSION_KEY: Record<Color, "blueVersion" | "greenVersion"> = {
  blue: "blueVersion",
  green: "greenVersion",
};

/** The color that receives the release: the one idle at the start. */
export function candidateColor(baseline: OutpostDeploymentState): Color {
  return otherColor(baseline.activeColor);
}

/** Traffic is fully on one color, and no shift is half done. */
export function isSettled(state: OutpostDeploymentState): boolean {
  return state.candidateWeight === 0;
}

/** The Outpost already serves the release, on EC2 and in its Rollout: nothing to do. */
export function alreadyOnRelease(baseline: OutpostDeploymentState, release: string): boolean {
  return (
    isSettled(baseline) &&
    versionOf(baseline, baseline.activeColor) === release &&
    baseline.rolloutVersion === release
  );
}

/** Step 1: the idle color gets the release and is scaled up; no traffic yet. */
export function deployedIdle(
  baseline: OutpostDeploymentState,
  release: string,
): OutpostDeploymentState {
  return {
    ...baseline,
    [VERSION_KEY[candidateColor(baseline)]]: release,
    candidateWeight: 0,
    idleWarm: true,
  };
}

/** The state a step leaves behind, or undefined for steps that only observe (verify, bake). */
export function stateAfterStep(
  step: StepSpec,
  baseline: OutpostDeploymentState,
  release: string,
): OutpostDeploymentState | undefined {
  switch (step.kind) {
    // The prestage is deploy-idle for the whole fleet, ahead of the waves: the same state.
    case "prestage":
    case "deploy-idle":
      return deployedIdle(baseline, release);
    case "shift":
      return { ...deployedIdle(baseline, release), candidateWeight: step.weight ?? 0 };
    case "flip":
      return flipped(baseline, release);
    case "canary":
      return canaryStarted(baseline, release);
    case "verify":
    case "test":
    case "bake":
      return undefined;
  }
}

/** The new color takes all traffic; the old one stays warm for a rollback by flip. */
export function flipped(baseline: OutpostDeploymentState, release: string): OutpostDeploymentState {
  return {
    ...deployedIdle(baseline, release),
    activeColor: candidateColor(baseline),
    candidateWeight: 0,
  };
}

/**
 * EKS: the Rollout's image moves to the release, and Argo Rollouts starts its canary steps.
 * Only this step changes `rolloutVersion`, so the canary starts here and nowhere else.
 */
export function canaryStarted(
  baseline: OutpostDeploymentState,
  release: string,
): OutpostDeploymentState {
  return { ...flipped(baseline, release), rolloutVersion: release };
}

/**
 * Once the release is final: the old color scales down. The Rollout is on the release too
 * (a stack without a watched canary step gets it here), so every Outpost ends consistent.
 */
export function finalized(
  baseline: OutpostDeploymentState,
  release: string,
): OutpostDeploymentState {
  return { ...canaryStarted(baseline, release), idleWarm: false };
}

/** Rollback, phase 1: traffic back to the old color, which is still warm (a listener flip). */
export function rolledBackTraffic(
  baseline: OutpostDeploymentState,
  release: string,
): OutpostDeploymentState {
  return {
    ...deployedIdle(baseline, release),
    activeColor: baseline.activeColor,
    candidateWeight: 0,
  };
}

/** Rollback, phase 2: everything as it was before the release, the candidate scaled down. */
export function restored(baseline: OutpostDeploymentState): OutpostDeploymentState {
  return { ...baseline };
}
