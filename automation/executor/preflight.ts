import pLimit from "p-limit";
import type { PolicyViolation } from "../engine/engine-port";
import type { ReleaseProgress } from "../progress/release-progress";
import { stacksOf } from "../plan/plan-types";
import { messageOf } from "../support/retry";
import type { ExecutionContext } from "./execution-context";
import { stopLine } from "./line-stop";
import type { RunOutcome } from "./run-outcome";
import { passBoundary } from "./step-guards";

/**
 * How many stacks' previews run at once: each is its own engine process (CLI, program, policy
 * pack hosts that type-check the packs), and more than a few at once only slow each other.
 */
export const PREFLIGHT_CONCURRENCY = 3;

/**
 * Sets the release on every stack and previews it with the policy packs. The stacks' previews
 * run in parallel, {@link PREFLIGHT_CONCURRENCY} at once, in plan order; their results are
 * then taken in plan order, so the journal and the first refusal read as before. A failed
 * preview or a mandatory violation stops the line before anything moved (scope release).
 */
export async function preflight(
  context: ExecutionContext,
  progress: ReleaseProgress,
): Promise<RunOutcome | undefined> {
  const pending = stacksOf(progress.plan).filter((s) => !progress.preflightPassed.has(s));
  if (pending.length === 0) return undefined;
  const before = `preflight of ${pending.join(", ")}`;
  const stopped = await passBoundary(context, { before, at: undefined });
  if (stopped) return stopped;
  const limit = pLimit(PREFLIGHT_CONCURRENCY);
  const previews = await Promise.all(
    pending.map((stack) =>
      limit(() => previewWithPolicies(context, stack, progress)).then(
        (violations) => ({ stack, violations, error: undefined }),
        (error: unknown) => ({ stack, violations: [], error }),
      ),
    ),
  );
  const stop = (cause: "failure" | "policy", reason: string) =>
    stopLine(context, { kind: "roll-back", cause, scope: "release", at: undefined, reason });
  for (const { stack, violations, error } of previews) {
    if (error !== undefined)
      return stop("failure", `preview of ${stack} failed: ${messageOf(error)}`);
    if (violations.length > 0) {
      await context.record({ type: "preflight-blocked", stack, violations });
      const [first] = violations;
      const reason = `policy ${first.policyPack}/${first.policy} on ${stack}: ${first.message}`;
      return stop("policy", `mandatory policy violation: ${reason}`);
    }
    await context.record({ type: "preflight-passed", stack });
  }
  return undefined;
}

/** One stack's release written and previewed with the packs: its mandatory violations. */
async function previewWithPolicies(
  context: ExecutionContext,
  stack: string,
  progress: ReleaseProgress,
): Promise<PolicyViolation[]> {
  const { engine, settings, releasePolicyConfig } = context.deps;
  await engine.writeDriverConfig(stack, { release: progress.plan.release });
  // Policy config only means something to a policy pack.
  const releaseConfig =
    settings.policyPacks.length === 0
      ? undefined
      : await releasePolicyConfig?.(
          stack,
          progress.plan.release,
          progress.baselines[stack]?.release,
        );
  const preview = await engine.preview(stack, {
    policyPacks: settings.policyPacks,
    policyPackConfigs: [...settings.policyPackConfigs, ...(releaseConfig ? [releaseConfig] : [])],
  });
  return preview.violations.filter((v) => v.enforcement === "mandatory");
}
