import { ExitCode } from "./exit-codes";

/**
 * A mistake the user can fix (a flag, a value, a file). The CLI prints only the message, never
 * a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.BadInput,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** "`--stacks` = "mars": must be one of us, eu, apac" */
export function invalidValue(what: string, value: unknown, allowed: string): UserError {
  const shown = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  return new UserError(`${what} = ${shown}: ${allowed}`);
}
