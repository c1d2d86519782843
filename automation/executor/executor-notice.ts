/**
 * What the executor tells its front end while it runs, beside the journal: facts an operator
 * may have to act on now. The front end words them (the CLI as log lines naming commands).
 */
export type ExecutorNotice =
  /** The driver waits for `wave` to be approved (`promote`), polling the journal. */
  | { readonly kind: "awaiting-approval"; readonly wave: string }
  /** The rollback stopped short: an operator must look at the fleet, then roll back again. */
  | { readonly kind: "rollback-incomplete"; readonly reason: string };
