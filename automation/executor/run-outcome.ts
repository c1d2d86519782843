import { ExitCode } from "../support/exit-codes";

/** How a run of the executor ended. */
export type RunOutcome =
  | { readonly kind: "succeeded" }
  | { readonly kind: "rolled-back"; readonly reason: string }
  | { readonly kind: "aborted"; readonly reason: string }
  | { readonly kind: "rollback-incomplete"; readonly reason: string }
  | { readonly kind: "blocked"; readonly reason: string }
  | { readonly kind: "paused"; readonly reason: string }
  /** Pending operations left by an interrupted update: `repair`, then `resume`. */
  | { readonly kind: "needs-repair"; readonly reason: string }
  | { readonly kind: "incomplete"; readonly reason: string };

export function exitCodeOf(outcome: RunOutcome): ExitCode {
  switch (outcome.kind) {
    case "succeeded":
      return ExitCode.Success;
    case "rolled-back":
      return ExitCode.FailedRolledBack;
    case "aborted":
      return ExitCode.Aborted;
    case "rollback-incomplete":
    case "incomplete":
    case "needs-repair":
      return ExitCode.RollbackIncomplete;
    case "blocked":
      return ExitCode.BlockedByPolicy;
    case "paused":
      return ExitCode.Paused;
  }
}
