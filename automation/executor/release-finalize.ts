import { allStages } from "../plan/plan-types";
import { finalized } from "../steps/deployment-transitions";
import type { ExecutionContext } from "./execution-context";
import type { RunOutcome } from "./run-outcome";
import { passBoundary } from "./step-guards";
import { applyStates } from "./step-runner";

/** After the scale-down delay, the old colors scale down: the release becomes final. */
export async function finalizeRelease(context: ExecutionContext): Promise<RunOutcome> {
  const stopped = await passBoundary(context, { before: "finalize", at: undefined });
  if (stopped) return stopped;
  let progress = context.progress();
  const { clock, settings } = context.deps;
  if (progress.finalizeNotBefore === undefined) {
    const notBefore = new Date(clock.now() + settings.scaleDownDelaySeconds * 1000).toISOString();
    await context.record({ type: "finalize-started", notBefore });
    progress = context.progress();
  }
  const wait = Date.parse(progress.finalizeNotBefore ?? "") - clock.now();
  if (wait > 0) await clock.sleep(wait);

  const moved = allStages(progress.plan).filter(
    (s) => progress.movedStages.has(s.id) && !progress.finalizedStacks.has(s.stack),
  );
  const release = progress.plan.release;
  const applied = await applyStates(
    context,
    progress,
    moved,
    (baseline) => finalized(baseline, release),
    { attempts: 3 },
  );
  for (const stack of new Set(applied.ok.map((s) => s.stack))) {
    await context.record({ type: "finalize-completed", stack });
  }
  if (applied.failures.length > 0) {
    return {
      kind: "incomplete",
      reason: `finalize failed (${applied.failures[0].reason})`,
      next: { kind: "resume-to-retry" },
    };
  }
  await context.record({ type: "release-finished", outcome: "succeeded" });
  return { kind: "succeeded" };
}
