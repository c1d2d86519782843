import type { RunOutcome } from "../executor/run-outcome";
import type { ExitCode } from "../support/exit-codes";
import type { CliIo } from "./cli-io";

/** What every command handler gets from main(). */
export interface CommandContext {
  readonly io: CliIo;
  /** The command line, for the lock and the journal: "outpost-fleet deploy --release 2.1.0". */
  readonly commandLine: string;
  setExit(code: ExitCode): void;
}

/** The last line of a run: readable, or one JSON object with --json. */
export function printOutcome(io: CliIo, json: boolean, release: string, outcome: RunOutcome): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ result: { release, ...outcome } })}\n`);
    return;
  }
  const reason = "reason" in outcome ? `: ${outcome.reason}` : "";
  io.stdout.write(`release ${release}: ${outcome.kind}${reason}\n`);
}
