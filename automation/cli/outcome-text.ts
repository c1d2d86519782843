import type { ExecutorNotice } from "../executor/executor-notice";
import { describeRefusal, type Refusal } from "../executor/release-refusal";
import type { NextStep, RunOutcome } from "../executor/run-outcome";
import { ExitCode } from "../support/exit-codes";
import type { Logger } from "../support/logger";
import type { CliIo } from "./cli-io";

// How the CLI words and codes what the executor reports: an outcome's reason with the commands
// an operator runs next, its exit code (support/exit-codes.ts), the result line, refusals, and
// the executor's notices as log lines. The executor reports facts; this is the only place that
// turns them into `outpost-fleet ...` hints.

/** An outcome's reason as the CLI prints it: what happened, then what to run. */
export function outcomeReason(outcome: RunOutcome): string | undefined {
  if (!("reason" in outcome)) return undefined;
  const next = "next" in outcome ? outcome.next : undefined;
  return next === undefined ? outcome.reason : withHint(outcome.reason, next);
}

function withHint(reason: string, next: NextStep): string {
  switch (next.kind) {
    case "repair-then-resume": {
      const commands = next.stacks.map((stack) => `outpost-fleet repair --stack ${stack}`);
      return `${reason}; after the repair (${commands.join("; ")}), run outpost-fleet resume`;
    }
    case "resume-after-freeze":
      return `${reason}; resume after it ends`;
    case "resume-or-promote":
      return `${reason}; resume or promote to continue`;
    case "resume-to-retry":
      return `${reason}; run resume to retry`;
    case "deploy-to-staging-first":
      return (
        `${reason}: deploy it there first (outpost-fleet deploy --release ${next.release} ` +
        `--stacks ${next.stagingStacks.join(",")}), or name them with the production stacks; ` +
        `--skip-staging overrides (recorded in the journal's release-started.staging)`
      );
    case "roll-back-then-restage":
      return (
        `${reason}: run outpost-fleet rollback, then deploy release ${next.release} again with ` +
        `its staging stacks (${next.stagingStacks.join(", ")}) in --stacks, so that staging tests it anew`
      );
  }
}

/** The exit code a run ends the process with. */
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

/** An outcome as the CLI's JSON shows it: its kind and, worded, its reason. */
export function outcomeJson(outcome: RunOutcome): { kind: RunOutcome["kind"]; reason?: string } {
  const reason = outcomeReason(outcome);
  return reason === undefined ? { kind: outcome.kind } : { kind: outcome.kind, reason };
}

/** The last line of a run: readable, or one JSON object with --json. */
export function printOutcome(io: CliIo, json: boolean, release: string, outcome: RunOutcome): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ result: { release, ...outcomeJson(outcome) } })}\n`);
    return;
  }
  const reason = outcomeReason(outcome);
  io.stdout.write(
    `release ${release}: ${outcome.kind}${reason === undefined ? "" : `: ${reason}`}\n`,
  );
}

/** A refusal as the CLI prints it (after "outpost-fleet: "), with what to run instead. */
export function refusalText(refusal: Refusal): string {
  switch (refusal.kind) {
    case "in-progress":
      return `${describeRefusal(refusal)}; use resume, pause, abort or rollback`;
    case "final":
      return (
        `${describeRefusal(refusal)}; deploy the previous version instead: ` +
        `outpost-fleet deploy --release ${refusal.previous ?? "<previous version>"}`
      );
    case "no-journal":
      return (
        `--release = "${refusal.release}": no journal for it; known releases: ` +
        `${refusal.known.join(", ") || "(none)"} (journal ${refusal.place})`
      );
    default:
      return describeRefusal(refusal);
  }
}

/** The exit code of a refused command. */
export function refusalExitCode(refusal: Refusal): ExitCode {
  switch (refusal.kind) {
    case "in-progress":
      return ExitCode.BadInput;
    case "final":
      return ExitCode.BlockedByPolicy;
    case "nothing-to-resume":
    case "no-release":
    case "no-journal":
    case "finished":
      return ExitCode.NothingToDo;
  }
}

/** The executor's notices as log lines (readable on a terminal, JSON lines in CI). */
export function noticeReporter(log: Logger): (notice: ExecutorNotice) => void {
  return (notice) => {
    switch (notice.kind) {
      case "awaiting-approval":
        return log.info(
          { region: notice.wave },
          `waiting for approval: run \`outpost-fleet promote --wave ${notice.wave}\``,
        );
      case "rollback-incomplete":
        return log.error(
          { err: notice.reason },
          "rollback incomplete: an operator must look (outpost-fleet status, then rollback)",
        );
    }
  };
}
