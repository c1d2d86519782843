import { describeRefusal, type Refusal } from "../executor/release-refusal";
import type { NextStep, RunOutcome } from "../executor/run-outcome";
import type { ActionResult, Ran } from "../operations/operator-actions";
import { ExitCode } from "../support/exit-codes";

// How the live view words what operations report and answers it over HTTP. The words follow the
// CLI's where the page has the same action; the `exitCode` of an answer is the one the same
// command exits with (test/automation/ui/action-answer.test.ts holds the two together).

/** What the live view answers to an action: an HTTP status and a JSON body. */
export interface ActionResponse {
  readonly status: number;
  /**
   * `exitCode` is what the same `outpost-fleet` command would exit with (docs/driver.md, "Exit
   * codes"), for scripts that call the API.
   */
  readonly body: { readonly ok: boolean; readonly message: string; readonly exitCode: number };
}

const STATUS_OF_EXIT: Partial<Record<ExitCode, number>> = {
  [ExitCode.Success]: 200,
  [ExitCode.BadInput]: 400,
  [ExitCode.NothingToDo]: 409,
  [ExitCode.Locked]: 409,
  [ExitCode.BlockedByPolicy]: 409,
};

export const respond = (exitCode: ExitCode, message: string, status?: number): ActionResponse => ({
  status: status ?? STATUS_OF_EXIT[exitCode] ?? 500,
  body: { ok: exitCode === ExitCode.Success, message, exitCode },
});

/** The exit code of the command a refusal stands for; test/automation/ui holds it to the CLI's. */
const EXIT_OF_REFUSAL: Record<Refusal["kind"], ExitCode> = {
  "nothing-to-resume": ExitCode.NothingToDo,
  "no-release": ExitCode.NothingToDo,
  "no-journal": ExitCode.NothingToDo,
  finished: ExitCode.NothingToDo,
  "in-progress": ExitCode.BadInput,
  final: ExitCode.BlockedByPolicy,
};

/** A refusal: 409, the release's state does not allow the action; nothing changed. */
export function refusalAnswer(refusal: Refusal): ActionResponse {
  return respond(EXIT_OF_REFUSAL[refusal.kind], describeRefusal(refusal), 409);
}

/** The exit code of the command that ended with each outcome (cli/outcome-text.ts exitCodeOf). */
const EXIT_OF_OUTCOME: Record<RunOutcome["kind"], ExitCode> = {
  succeeded: ExitCode.Success,
  "rolled-back": ExitCode.FailedRolledBack,
  aborted: ExitCode.Aborted,
  "rollback-incomplete": ExitCode.RollbackIncomplete,
  incomplete: ExitCode.RollbackIncomplete,
  "needs-repair": ExitCode.RollbackIncomplete,
  blocked: ExitCode.BlockedByPolicy,
  paused: ExitCode.Paused,
};

const REQUESTED = {
  pause: "stops before its next step",
  abort: "stops and rolls back at its next step boundary",
  rollback: "rolls back at its next step boundary",
} as const;

/** The answer to an action the page asked for and waited on. */
export function actionAnswer(result: ActionResult): ActionResponse {
  switch (result.kind) {
    case "requested":
      return respond(
        ExitCode.Success,
        `${result.action} requested: the driver of ${result.release} ${REQUESTED[result.action]}`,
      );
    case "approved":
      return respond(
        ExitCode.Success,
        `approved ${result.wave ? `wave ${result.wave}` : "the next wave"} of ${result.release}` +
          (result.driverRunning ? "" : "; no driver is running: run resume to continue"),
      );
    case "not-running":
      return respond(
        ExitCode.NothingToDo,
        `no driver is running release ${result.release}: it is stopped already; resume continues it`,
      );
    case "nothing-to-roll-back":
      return respond(
        ExitCode.NothingToDo,
        `nothing to roll back: release ${result.release} finished ${result.outcome} with every Outpost back`,
      );
    case "ran":
      return respond(
        result.achieved ? ExitCode.Success : EXIT_OF_OUTCOME[result.outcome.kind],
        describeOutcome(result.outcome),
      );
  }
}

/** What the page is told when a driver this server started for `what` has ended. */
export function ranNotice(what: string, result: Ran): { message: string; ok: boolean } {
  return { message: `${what}: ${describeOutcome(result.outcome)}`, ok: result.achieved };
}

/** "needs-repair: <what happened>; <what to do>". */
export function describeOutcome(outcome: RunOutcome): string {
  if (!("reason" in outcome)) return outcome.kind;
  const next = "next" in outcome ? outcome.next : undefined;
  return `${outcome.kind}: ${outcome.reason}${next === undefined ? "" : `; ${nextStepText(next)}`}`;
}

/** What an operator does next, for the page: its buttons, or the command it has none for. */
function nextStepText(next: NextStep): string {
  switch (next.kind) {
    case "repair-then-resume":
      return `after a repair of ${next.stacks.join(", ")} (outpost-fleet repair), resume`;
    case "resume-after-freeze":
      return `resume after freeze window "${next.window}" ends`;
    case "resume-or-promote":
      return `resume, or promote wave ${next.wave}, to continue`;
    case "resume-to-retry":
      return "resume to retry";
    case "deploy-to-staging-first":
      return `deploy it to ${next.stagingStacks.join(", ")} first`;
    case "roll-back-then-restage":
      return `roll back, then deploy it again with ${next.stagingStacks.join(", ")} to test it anew`;
  }
}
