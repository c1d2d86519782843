import type { ExitCode } from "../support/exit-codes";
import type { CliIo } from "./cli-io";

/** What every command handler gets from main(). */
export interface CommandContext {
  readonly io: CliIo;
  /** The command line, for the lock and the journal: "outpost-fleet deploy --release 2.1.0". */
  readonly commandLine: string;
  setExit(code: ExitCode): void;
}
