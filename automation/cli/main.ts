import yargs from "yargs";
import { ExitCode } from "../support/exit-codes";
import { RefusedError } from "../executor/release-refusal";
import { UserError } from "../support/user-error";
import { type CliIo, processIo } from "./cli-io";
import type { CommandContext } from "./command-context";
import { refusalExitCode, refusalText } from "./outcome-text";
import { deployCommand } from "./commands/deploy-command";
import { driftCommand } from "./commands/drift-command";
import {
  abortCommand,
  pauseCommand,
  promoteCommand,
  rollbackCommand,
} from "./commands/operator-commands";
import { planCommand } from "./commands/plan-command";
import { repairCommand } from "./commands/repair-command";
import { resumeCommand } from "./commands/resume-command";
import { statusCommand } from "./commands/status-command";
import { uiCommand } from "./commands/ui-command";

const COMMAND_NAMES = [
  "plan",
  "deploy",
  "status",
  "promote",
  "pause",
  "resume",
  "abort",
  "rollback",
  "drift",
  "repair",
  "ui",
];
const COMMANDS = COMMAND_NAMES.join(", ");

/**
 * Runs the CLI and returns its exit code (see support/exit-codes.ts). User mistakes print one
 * message naming the flag and what is allowed; only unexpected failures print more.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !COMMAND_NAMES.includes(first)) {
    io.stderr.write(`outpost-fleet: unknown command "${first}": must be one of ${COMMANDS}\n`);
    return ExitCode.BadInput;
  }
  let exitCode: ExitCode = ExitCode.Success;
  const context: CommandContext = {
    io,
    commandLine: ["outpost-fleet", ...argv].join(" "),
    setExit: (code) => {
      exitCode = code;
    },
  };
  const parser = yargs([...argv])
    .scriptName("outpost-fleet")
    .usage("$0 <command> [options]\n\nRoll a release across the Outpost fleet, wave by wave.")
    .command(planCommand(context))
    .command(deployCommand(context))
    .command(statusCommand(context))
    .command(promoteCommand(context))
    .command(pauseCommand(context))
    .command(resumeCommand(context))
    .command(abortCommand(context))
    .command(rollbackCommand(context))
    .command(driftCommand(context))
    .command(repairCommand(context))
    .command(uiCommand(context))
    .demandCommand(1, `a command is required: one of ${COMMANDS}`)
    .recommendCommands()
    .strict()
    .exitProcess(false)
    .fail((message: string | null, err: Error | undefined) => {
      // Handler errors arrive as `err`; validation failures (bad flags) only as a message.
      if (err) throw err;
      throw new UserError(
        explainYargsError(
          message ?? "invalid arguments",
          knownFlags(parser as unknown as OptionsView),
        ),
      );
    })
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue("Exit codes and the journal format: docs/driver.md");
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (err) {
    return reportFailure(err, io);
  }
}

function reportFailure(err: unknown, io: CliIo): ExitCode {
  if (err instanceof UserError) {
    io.stderr.write(`outpost-fleet: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof RefusedError) {
    io.stderr.write(`outpost-fleet: ${refusalText(err.refusal)}\n`);
    return refusalExitCode(err.refusal);
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr.write(`outpost-fleet: internal error: ${message}\n`);
  return ExitCode.InternalError;
}

/** yargs has `getOptions()` at runtime but not in its typings; it lists the active command's flags. */
interface OptionsView {
  getOptions(): { key: Record<string, unknown> };
}

function knownFlags(current: OptionsView): string[] {
  return Object.keys(current.getOptions().key)
    .filter((name) => !/[A-Z]/.test(name) && name !== "$0")
    .map((name) => `--${name}`);
}

/** yargs says "Unknown argument: frob"; we also say what is allowed. */
function explainYargsError(message: string, flags: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    const names = unknown[1]
      .split(", ")
      .map((name) => (name.length > 1 ? `--${name}` : `-${name}`));
    return `unknown flag ${names.join(", ")}: allowed flags are ${flags.join(", ")}`;
  }
  return message;
}

/** Entry point of bin/outpost-fleet. */
export function run(): void {
  // `outpost-fleet status | head`: a closed pipe is not an error worth a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`outpost-fleet: internal error: ${String(err)}\n`);
      process.exitCode = ExitCode.InternalError;
    },
  );
}
