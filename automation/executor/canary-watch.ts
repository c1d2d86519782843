import { runAnalysis } from "../gates/analysis";
import type { GateSuite, GateTarget } from "../gates/gate";
import { judgeRollout } from "../gates/rollout-phase-gate";
import type { RolloutController } from "../rollouts/rollout-controller";
import type { AnalysisSettings } from "../settings/driver-settings";
import type { Clock } from "../support/clock";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";

/**
 * EKS canary: Argo Rollouts runs the steps (and its background analysis, which aborts the
 * Rollout on its own); the driver watches the Rollout. Every pause the program emits is
 * indefinite, its configured duration a floor (infra/aws/rollout-spec.ts): at each, the driver
 * runs its canary-phase gates until the evidence has passed and the floor has elapsed, then
 * promotes; it aborts as soon as they fail, or when they have too little evidence after
 * `analysis.evidence.timeoutSeconds`. An abort or a degraded Rollout is a failed gate. Returns
 * a failure reason, or undefined on success.
 */
export async function watchCanary(
  target: GateTarget,
  deps: {
    readonly rollouts: RolloutController;
    readonly gates: GateSuite;
    readonly analysis: AnalysisSettings;
    readonly timeoutMs: number;
    readonly clock: Clock;
    readonly log: Logger;
    /** Stops the watch (another step stopped the line); the rollback then covers the Rollout. */
    readonly signal?: AbortSignal;
  },
): Promise<string | undefined> {
  const { rollouts, clock, log } = deps;
  const deadline = clock.now() + deps.timeoutMs;
  let consecutiveErrors = 0;
  for (;;) {
    deps.signal?.throwIfAborted();
    let status;
    try {
      status = await rollouts.status(
        target,
        AbortSignal.timeout(deps.analysis.probeTimeoutSeconds * 1000),
      );
      consecutiveErrors = 0;
    } catch (err) {
      if (++consecutiveErrors > deps.analysis.consecutiveErrorLimit) {
        return `cannot read the Rollout: ${messageOf(err)}`;
      }
      await clock.sleep(deps.analysis.intervalSeconds * 1000, deps.signal);
      continue;
    }
    const verdict = judgeRollout(status);
    if (verdict.verdict === "fail") return verdict.detail;
    if (verdict.verdict === "pass") return undefined;
    if (status.waitingForPromotion) {
      // Judged through the Rollout's own front door: its Ingress ALB, where Argo shifts traffic.
      const canary = { ...target, phase: "canary" as const };
      const floorMs = (status.pauseFloorSeconds ?? 0) * 1000;
      const result = await runAnalysis(
        deps.gates.gatesFor(canary),
        canary,
        {
          kind: "until-healthy",
          ms: Math.max(deps.analysis.evidence.timeoutSeconds * 1000, floorMs),
          floorMs,
        },
        deps.analysis,
        clock,
        deps.signal,
      );
      if (!result.ok) {
        await rollouts
          .abort(target)
          .catch((err: unknown) => log.warn({ err: messageOf(err) }, "Rollout abort failed"));
        return `${result.gate}: ${result.reason}`;
      }
      log.info(
        { stack: target.stack, outpost: target.outpost, floorSeconds: floorMs / 1000 },
        "evidence passed and the floor elapsed: promoting the Rollout to its next step",
      );
      await rollouts.promote(target);
    }
    if (clock.now() >= deadline) {
      await rollouts
        .abort(target)
        .catch((err: unknown) => log.warn({ err: messageOf(err) }, "Rollout abort failed"));
      return `Rollout did not finish within ${Math.round(deps.timeoutMs / 1000)}s (${verdict.detail})`;
    }
    await clock.sleep(deps.analysis.intervalSeconds * 1000, deps.signal);
  }
}
