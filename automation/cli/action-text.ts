import type { ActionResult } from "../operations/operator-actions";
import { ExitCode } from "../support/exit-codes";
import { exitCodeOf } from "./outcome-text";

/** What the running driver does with each request. */
const REQUESTED = {
  pause: "stops before its next step",
  abort: "stops and rolls back at its next step boundary",
  rollback: "rolls back at its next step boundary",
} as const;

/**
 * What an operator command prints for the result of its action, and its exit code. A run the
 * action carried out itself prints its result line instead (printOutcome); undefined here.
 */
export function actionMessage(result: ActionResult): string | undefined {
  switch (result.kind) {
    case "requested":
      return `${result.action} requested: the driver of ${result.release} ${REQUESTED[result.action]}`;
    case "approved":
      return (
        `approved ${result.wave ? `wave ${result.wave}` : "the next wave"} of ${result.release}` +
        (result.driverRunning ? "" : "; no driver is running: run resume to continue")
      );
    case "not-running":
      return `no driver is running release ${result.release}: it is stopped already; resume continues it`;
    case "nothing-to-roll-back":
      return `nothing to roll back: release ${result.release} finished ${result.outcome} with every Outpost back`;
    case "ran":
      return undefined;
  }
}

export function actionExitCode(result: ActionResult): ExitCode {
  switch (result.kind) {
    case "requested":
    case "approved":
      return ExitCode.Success;
    case "not-running":
    case "nothing-to-roll-back":
      return ExitCode.NothingToDo;
    case "ran":
      return result.achieved ? ExitCode.Success : exitCodeOf(result.outcome);
  }
}
