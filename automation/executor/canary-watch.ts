import { runAnalysis } from "../gates/analysis";
import type { GateSuite, GateTarget } from "../gates/gate";
import { judgeRollout } from "../gates/rollout-phase-gate";
import type { RolloutController } from "../rollouts/rollout-controller";
import type { AnalysisSettings } from "../settings/driver-settings";
import type { Clock } from "../support/clock";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";

/**
 * EKS canary: Argo Rollouts runs the steps; the driver watches the Rollout. At a pause that
 * waits for a person, it runs its own gates and promotes, or aborts when they fail. An abort
 * or a degraded Rollout is a failed gate. Returns a failure reason, or undefined on success.
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
      const result = await runAnalysis(
        deps.gates.gatesFor(canary),
        canary,
        { kind: "until-healthy", ms: deps.analysis.verifyTimeoutSeconds * 1000 },
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
        { stack: target.stack, outpost: target.outpost },
        "promoting the Rollout to its next step",
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
