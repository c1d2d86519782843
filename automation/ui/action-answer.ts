import { describeRefusal, type Refusal } from "../executor/release-refusal";
import { ExitCode } from "../support/exit-codes";

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
