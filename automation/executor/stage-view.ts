import type { OutpostDeploymentState, OutpostOutputs } from "../../infra/contract";
import type { StackOutputs } from "../engine/engine-port";
import type { GatePhase, GateTarget } from "../gates/gate";
import type { ReleaseProgress } from "../progress/release-progress";
import type { RolloutPlan, Stage, StepSpec } from "../plan/plan-types";
import { alreadyOnRelease, candidateColor, versionOf } from "../steps/deployment-transitions";

/** Canonical order of step kinds, so batches that mix stacks run steps in one sequence. */
const RANK: Record<StepSpec["kind"], number> = {
  prestage: -1,
  "deploy-idle": 0,
  verify: 1,
  shift: 2,
  flip: 3,
  canary: 4,
  test: 5,
  bake: 6,
};

/** The steps of a batch: the union of its stacks' steps, in canonical order. Pure. */
export function batchSteps(plan: RolloutPlan, batch: readonly Stage[]): StepSpec[] {
  const byId = new Map<string, StepSpec>();
  for (const stage of batch)
    for (const step of plan.steps[stage.stack] ?? []) byId.set(step.id, step);
  return [...byId.values()].sort(
    (a, b) => RANK[a.kind] - RANK[b.kind] || (a.weight ?? 0) - (b.weight ?? 0),
  );
}

export function baselineOf(
  progress: Pick<ReleaseProgress, "baselines">,
  stage: Stage,
): OutpostDeploymentState {
  const state = progress.baselines[stage.stack]?.deployment[stage.outpost];
  if (state === undefined) {
    throw new Error(
      `no baseline deployment state for ${stage.id}; is it in the stack's deployment config?`,
    );
  }
  return state;
}

/** Stages that have work to do for this step (their stack has it; not already on the release). */
export function stagesForStep(
  plan: RolloutPlan,
  progress: Pick<ReleaseProgress, "baselines">,
  batch: readonly Stage[],
  step: StepSpec,
): Stage[] {
  return batch.filter(
    (stage) =>
      (plan.steps[stage.stack] ?? []).some((s) => s.id === step.id) &&
      !alreadyOnRelease(baselineOf(progress, stage), plan.release),
  );
}

export function outpostOutputs(outputs: StackOutputs, stage: Stage): OutpostOutputs {
  const found = outputs.outposts[stage.outpost];
  if (found === undefined) {
    throw new Error(`stack ${stage.stack} has no \`outposts\` output for ${stage.outpost}`);
  }
  return found;
}

/** Whether the stage's Outpost runs an Argo Rollout (AWS target with EKS), per its outputs. */
export function runsRollout(outputs: StackOutputs | undefined, stage: Stage): boolean {
  const outpost = outputs?.outposts[stage.outpost];
  return outputs?.target === "aws" && outpost?.rollout != null && outpost.cluster !== null;
}

export function gateTarget(
  stage: Stage,
  baseline: OutpostDeploymentState,
  outputs: StackOutputs,
  release: string,
  phase: GatePhase,
  awsRegion: string | undefined,
): GateTarget {
  const candidate = candidateColor(baseline);
  return {
    stack: stage.stack,
    outpost: stage.outpost,
    target: outputs.target,
    awsRegion,
    outputs: outpostOutputs(outputs, stage),
    phase,
    release,
    previousVersion: versionOf(baseline, baseline.activeColor),
    candidateColor: candidate,
    ...(outputs.runtimeFingerprint !== undefined
      ? { runtimeFingerprint: outputs.runtimeFingerprint }
      : {}),
  };
}

export function groupByStack(stages: readonly Stage[]): Map<string, Stage[]> {
  const groups = new Map<string, Stage[]>();
  for (const stage of stages) groups.set(stage.stack, [...(groups.get(stage.stack) ?? []), stage]);
  return groups;
}
