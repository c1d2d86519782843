/**
 * Process exit codes of the `outpost-fleet` CLI. CI keys off these, so they are stable;
 * docs/driver.md lists them.
 */
export enum ExitCode {
  /** Everything asked for was done (or, for `plan`/`status`, printed). */
  Success = 0,
  /** A step or gate failed; the line stopped and the rollback policy was carried out. */
  FailedRolledBack = 1,
  /** Bad flags, a bad version, an unknown stack, an invalid config file. Nothing was changed. */
  BadInput = 2,
  /** Refused by policy: a freeze window, a mandatory policy violation, a declined approval. */
  BlockedByPolicy = 3,
  /** A failure and the rollback did not complete: an operator must look (see `status`). */
  RollbackIncomplete = 4,
  /** Another driver holds the fleet lock. */
  Locked = 5,
  /** Stopped at a step boundary on request (`pause`); continue with `resume`. */
  Paused = 6,
  /** Stopped by `abort`; the rollback policy was carried out. */
  Aborted = 7,
  /** `drift` found a stack that differs from its program or config that differs across regions. */
  DriftDetected = 8,
  /** Nothing to act on: no release in progress for `resume`/`pause`/..., or already finished. */
  NothingToDo = 9,
  /** A bug or an unexpected environment failure; the message and the journal say more. */
  InternalError = 70,
}
