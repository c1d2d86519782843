import type { ExecutionContext } from "./execution-context";
import { completeRollback } from "./rollback-runner";
import type { RunOutcome } from "./run-outcome";
import { batchesInFlight, type LineStop, stagesToRollBack } from "./stop-the-line";

/**
 * Stops the line: the one place a failed step, a failed preflight or an operator's abort or
 * rollback ends the run. A rollback is journaled with the stages its scope covers, then carried
 * out; a repair is journaled as a pause, and the driver stops where it is.
 */
export async function stopLine(context: ExecutionContext, stop: LineStop): Promise<RunOutcome> {
  const { log } = context.deps;
  if (stop.kind === "repair") {
    log.error({ stacks: stop.stacks }, `stopped: ${stop.reason}`);
    await context.record({ type: "paused", before: stop.before });
    return {
      kind: "needs-repair",
      reason: stop.reason,
      next: { kind: "repair-then-resume", stacks: stop.stacks },
    };
  }
  const { cause, scope, reason } = stop;
  const progress = context.progress();
  const inFlight = batchesInFlight(progress.plan, progress);
  const stages = stagesToRollBack(progress.plan, progress, scope, stop.at, inFlight);
  log.error({ scope, stages }, `stopping the line: ${reason}`);
  await context.record({ type: "rollback-started", cause, scope, stages, reason });
  return completeRollback(context);
}
