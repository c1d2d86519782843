/**
 * How a run of the executor ended. `reason` says what happened, in the journal's words; `next`
 * says what an operator can do about it, as data. The front ends word `next` (the CLI as the
 * commands to run, cli/outcome-text.ts) and choose what an outcome means to them (an exit code).
 */
export type RunOutcome =
  | { readonly kind: "succeeded" }
  | { readonly kind: "rolled-back"; readonly reason: string }
  | { readonly kind: "aborted"; readonly reason: string }
  | { readonly kind: "rollback-incomplete"; readonly reason: string }
  | { readonly kind: "blocked"; readonly reason: string; readonly next?: NextStep }
  | { readonly kind: "paused"; readonly reason: string }
  /** Pending operations left by an interrupted update: `repair`, then `resume`. */
  | { readonly kind: "needs-repair"; readonly reason: string; readonly next: NextStep }
  | { readonly kind: "incomplete"; readonly reason: string; readonly next: NextStep };

/** What an operator can do to carry a stopped release on. */
export type NextStep =
  /** Check the provider, repair each stack (its pending operations), then resume. */
  | { readonly kind: "repair-then-resume"; readonly stacks: readonly string[] }
  /** Resume once the freeze window ended. */
  | { readonly kind: "resume-after-freeze"; readonly window: string }
  /** The approval of `wave` was declined: resume (to be asked again) or promote it. */
  | { readonly kind: "resume-or-promote"; readonly wave: string }
  /** Resume: it runs again what failed (the finalize). */
  | { readonly kind: "resume-to-retry" }
  /**
   * A production-only release that never passed wave 0: deploy it to the staging stacks first,
   * name them with the production stacks, or skip the check.
   */
  | {
      readonly kind: "deploy-to-staging-first";
      readonly release: string;
      readonly stagingStacks: readonly string[];
    }
  /**
   * A release under way whose staging pass grew too old before a production wave: roll it back,
   * then deploy it again so that staging tests it anew.
   */
  | {
      readonly kind: "roll-back-then-restage";
      readonly release: string;
      readonly stagingStacks: readonly string[];
    };
