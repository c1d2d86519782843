import type { OutpostDeploymentState } from "../../infra/contract";
import { PendingOperationsError, type StackOutputs } from "../engine/engine-port";
import type { GatePhase } from "../gates/gate";
import type { ReleaseProgress } from "../progress/release-progress";
import type { Stage, StepSpec } from "../plan/plan-types";
import { stateAfterStep } from "../steps/deployment-transitions";
import { messageOf, withRetries } from "../support/retry";
import type { ExecutionContext } from "./execution-context";
import { runCanaries, runGates, runTests } from "./stage-gates";
import { baselineOf, groupByStack, runsRollout } from "./stage-view";
import type { StageFailure, StepEffects } from "./step-effects";

const NO_EFFECTS: StepEffects = { failures: [], observed: [], evaluations: [] };

/**
 * Carries out one step for the stages of one batch and reports what happened. Config
 * changes go to each stack once for the whole batch, followed by one `up` limited to the
 * batch's Outposts, so a batch costs one update per stack whatever its size.
 */
export async function runStepEffects(
  context: ExecutionContext,
  progress: ReleaseProgress,
  stages: readonly Stage[],
  step: StepSpec,
  signal?: AbortSignal,
): Promise<StepEffects> {
  if (stages.length === 0) return NO_EFFECTS;
  const release = progress.plan.release;
  switch (step.kind) {
    case "prestage":
    case "deploy-idle":
    case "shift":
    case "flip": {
      const applied = await applyStates(context, progress, stages, (baseline) =>
        stateAfterStep(step, baseline, release),
      );
      // The idle color takes no traffic yet: verify (on the preview path) gates it later.
      const gated =
        step.kind === "deploy-idle" || step.kind === "prestage"
          ? { failures: [], evaluations: [] }
          : await runGates(
              { context, progress, outputs: applied.outputs, signal },
              applied.ok,
              "shift",
              "until-healthy",
            );
      return {
        failures: [...applied.failures, ...gated.failures],
        observed: observedOf(applied),
        evaluations: gated.evaluations,
      };
    }
    case "verify":
    case "bake": {
      const read = await readOutputs(context, stages);
      const phase: GatePhase = step.kind;
      const mode = step.kind === "verify" ? "until-healthy" : "for-duration";
      const gated = await runGates(
        { context, progress, outputs: read.outputs, signal },
        read.ok,
        phase,
        mode,
      );
      return {
        failures: [...read.failures, ...gated.failures],
        observed: [],
        evaluations: gated.evaluations,
      };
    }
    case "test": {
      // Staging only: the Outpost serves the release on all its traffic; the test gates
      // (integration, security, ECR scan on AWS, load) run once each, one after the other.
      const read = await readOutputs(context, stages);
      const tested = await runTests({ context, progress, outputs: read.outputs, signal }, read.ok);
      return {
        failures: [...read.failures, ...tested.failures],
        observed: [],
        evaluations: tested.evaluations,
      };
    }
    case "canary": {
      // Only Outposts that run a Rollout have a canary: its image moves to the release here,
      // and only here, and Argo Rollouts takes it from there.
      const read = await readOutputs(context, stages);
      const withRollout = read.ok.filter((stage) =>
        runsRollout(read.outputs.get(stage.stack), stage),
      );
      const applied = await applyStates(context, progress, withRollout, (baseline) =>
        stateAfterStep(step, baseline, release),
      );
      const scope = { context, progress, outputs: applied.outputs, signal };
      const failures = await runCanaries(scope, applied.ok);
      return {
        failures: [...read.failures, ...applied.failures, ...failures],
        observed: observedOf(applied),
        evaluations: [],
      };
    }
  }
}

function observedOf(applied: Applied): StepEffects["observed"] {
  return applied.ok.flatMap((stage) => {
    const outputs = applied.outputs.get(stage.stack)?.outposts[stage.outpost];
    return outputs ? [{ stage, outputs }] : [];
  });
}

interface Applied {
  readonly ok: Stage[];
  readonly failures: StageFailure[];
  readonly outputs: Map<string, StackOutputs>;
}

/** Writes the target states of `stages` (one config write and one targeted `up` per stack). */
export async function applyStates(
  context: ExecutionContext,
  progress: Pick<ReleaseProgress, "baselines" | "plan">,
  stages: readonly Stage[],
  targetState: (
    baseline: OutpostDeploymentState,
    stage: Stage,
  ) => OutpostDeploymentState | undefined,
  options: { readonly release?: string; readonly attempts?: number } = {},
): Promise<Applied> {
  const { engine, clock, log } = context.deps;
  const groups = [...groupByStack(stages)];
  const results = await Promise.allSettled(
    groups.map(async ([stack, members]) => {
      const deployment: Record<string, OutpostDeploymentState> = {};
      for (const stage of members) {
        const state = targetState(baselineOf(progress, stage), stage);
        if (state !== undefined) deployment[stage.outpost] = state;
      }
      const outposts = members.map((s) => s.outpost);
      await withRetries(
        () =>
          context.withStack(stack, async () => {
            await engine.writeDriverConfig(stack, {
              release: options.release ?? progress.plan.release,
              deployment,
            });
            await engine.up(stack, { outposts });
          }),
        {
          attempts: options.attempts ?? 1,
          clock,
          // Retrying cannot clear pending operations; only an operator's repair can.
          retryable: (err) => !(err instanceof PendingOperationsError),
          onRetry: (err, attempt) =>
            log.warn({ stack, attempt, err: messageOf(err) }, "update failed; retrying"),
        },
      );
      return engine.outputs(stack);
    }),
  );
  return collect(groups, results);
}

async function readOutputs(context: ExecutionContext, stages: readonly Stage[]): Promise<Applied> {
  const groups = [...groupByStack(stages)];
  const results = await Promise.allSettled(
    groups.map(([stack]) => context.deps.engine.outputs(stack)),
  );
  return collect(groups, results);
}

function collect(
  groups: [string, Stage[]][],
  results: PromiseSettledResult<StackOutputs>[],
): Applied {
  const applied: Applied = { ok: [], failures: [], outputs: new Map() };
  results.forEach((result, i) => {
    const [stack, members] = groups[i];
    if (result.status === "fulfilled") {
      applied.outputs.set(stack, result.value);
      applied.ok.push(...members);
    } else {
      const needsRepair = result.reason instanceof PendingOperationsError;
      applied.failures.push(
        ...members.map((stage) => ({
          stage,
          reason: `${stack}: ${messageOf(result.reason)}`,
          needsRepair,
        })),
      );
    }
  });
  return applied;
}
