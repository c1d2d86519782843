import type { StackOutputs } from "../engine/engine-port";
import { type AnalysisMode, runAnalysis } from "../gates/analysis";
import type { GatePhase, GateTarget } from "../gates/gate";
import type { GateSummary } from "../gates/gate-summary";
import { runTestGates } from "../gates/test-gate-run";
import type { ReleaseProgress } from "../progress/release-progress";
import type { Stage } from "../plan/plan-types";
import { hasRollout } from "../rollouts/rollout-controller";
import { messageOf } from "../support/retry";
import { watchCanary } from "./canary-watch";
import type { ExecutionContext } from "./execution-context";
import { baselineOf, gateTarget } from "./stage-view";
import type { StageFailure, StepEffects } from "./step-effects";

/** What the per-stage part of a step reads: the deps, the progress, the stacks' outputs. */
export interface StageScope {
  readonly context: ExecutionContext;
  readonly progress: ReleaseProgress;
  readonly outputs: ReadonlyMap<string, StackOutputs>;
  /** Interrupts the gates (another step stopped the line). */
  readonly signal?: AbortSignal;
}

/** The stages that failed, and how their gates ended, in stage order. */
export type Judged = Pick<StepEffects, "failures" | "evaluations">;

/** How one stage came out of its gates: why it failed (if it did), and the gates' summaries. */
interface StageVerdict {
  readonly failure?: string;
  readonly gates?: readonly GateSummary[];
}

/**
 * The per-stage part of a step: for each stage, in parallel (each has its own Outpost), its gate
 * target for `phase` from its stack's outputs, then `judge`. A stage whose stack has no outputs
 * fails with "no outputs", one whose target or judge throws with "<what>: <error>". Returns the
 * failures and the gates' summaries, in stage order.
 */
async function perStage(
  { context, progress, outputs }: StageScope,
  stages: readonly Stage[],
  phase: GatePhase,
  what: string,
  judge: (stage: Stage, target: GateTarget) => Promise<StageVerdict | undefined>,
): Promise<Judged> {
  const { awsRegions } = context.deps.settings;
  const release = progress.plan.release;
  const verdicts = await Promise.all(
    stages.map(async (stage): Promise<StageVerdict | undefined> => {
      try {
        const stackOutputs = outputs.get(stage.stack);
        if (stackOutputs === undefined) return { failure: "no outputs" };
        const baseline = baselineOf(progress, stage);
        const region = awsRegions[stage.stack];
        return await judge(
          stage,
          gateTarget(stage, baseline, stackOutputs, release, phase, region),
        );
      } catch (err) {
        return { failure: `${what}: ${messageOf(err)}` };
      }
    }),
  );
  return {
    failures: verdicts.flatMap((v, i) =>
      v?.failure === undefined ? [] : [{ stage: stages[i], reason: v.failure }],
    ),
    evaluations: verdicts.flatMap((v, i) =>
      v?.gates && v.gates.length > 0 ? [{ stage: stages[i], gates: v.gates }] : [],
    ),
  };
}

/**
 * The Argo-style analysis of each stage's gates in `phase`. `until-healthy` (verify, each
 * shift): until every gate is healthy, for at most `verifyTimeoutSeconds` on the preview path
 * and `evidence.timeoutSeconds` on production traffic. `for-duration` (the bake): until the
 * candidate's own traffic has passed its evidence and the floor has elapsed (`bakeSeconds` when
 * set, and the alarms' periods that the alarm gate reports), failing closed after
 * `evidence.timeoutSeconds`. The scope's signal aborts the gates in flight.
 */
export function runGates(
  scope: StageScope,
  stages: readonly Stage[],
  phase: GatePhase,
  mode: "until-healthy" | "for-duration",
): Promise<Judged> {
  const { settings, gates, clock, log } = scope.context.deps;
  const timeoutMs =
    (phase === "verify"
      ? settings.analysis.verifyTimeoutSeconds
      : settings.analysis.evidence.timeoutSeconds) * 1000;
  const analysisMode: AnalysisMode =
    mode === "for-duration"
      ? { kind: "until-healthy", ms: timeoutMs, floorMs: (settings.bakeSeconds ?? 0) * 1000 }
      : { kind: "until-healthy", ms: timeoutMs };
  return perStage(scope, stages, phase, `${phase} gates`, async (stage, target) => {
    const result = await runAnalysis(
      gates.gatesFor(target),
      target,
      analysisMode,
      settings.analysis,
      clock,
      scope.signal,
    );
    if (result.ok) return { gates: result.gates };
    log.warn(
      { stack: stage.stack, outpost: stage.outpost, gate: result.gate, phase },
      `gate failed: ${result.reason}`,
    );
    return { failure: `${phase} gate ${result.gate}: ${result.reason}`, gates: result.gates };
  });
}

/** The test gates of each staging stage, each gate once, one after the other. */
export function runTests(scope: StageScope, stages: readonly Stage[]): Promise<Judged> {
  const { settings, gates, clock, log } = scope.context.deps;
  return perStage(scope, stages, "test", "test gates", async (stage, target) => {
    const result = await runTestGates(
      gates.gatesFor(target),
      target,
      clock,
      scope.signal,
      settings.testRun,
    );
    if (result.ok) return { gates: result.gates };
    log.warn(
      { stack: stage.stack, outpost: stage.outpost, gate: result.gate },
      `test gate failed: ${result.reason}`,
    );
    return { failure: `test gate ${result.gate}: ${result.reason}`, gates: result.gates };
  });
}

/** Each stage's Argo Rollout, watched (and promoted or aborted) through its canary steps. */
export async function runCanaries(
  scope: StageScope,
  stages: readonly Stage[],
): Promise<StageFailure[]> {
  const { settings, gates, clock, log, rollouts } = scope.context.deps;
  // The target is the shift's; watchCanary judges the Rollout through its Ingress (phase canary).
  const watched = await perStage(scope, stages, "shift", "EKS canary", async (stage, target) => {
    if (!hasRollout(target)) return undefined; // no EKS on this Outpost: nothing to watch
    const reason = await watchCanary(target, {
      rollouts,
      gates,
      analysis: settings.analysis,
      timeoutMs: settings.canaryTimeoutSeconds * 1000,
      clock,
      log: log.child({ stack: stage.stack, outpost: stage.outpost }),
      signal: scope.signal,
    });
    return reason === undefined ? undefined : { failure: `EKS canary: ${reason}` };
  });
  return watched.failures;
}
