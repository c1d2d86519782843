import type { ReleaseOutcome } from "../journal/journal-events";

/**
 * Why the executor or an operator action does not act on a release, as facts. Nothing was
 * changed. The front ends word a refusal and choose what it means to them: the CLI an exit
 * code and the commands to run instead (cli/outcome-text.ts), the live view an HTTP answer.
 */
export type Refusal =
  /** `resume` with no release in the journal. */
  | { readonly kind: "nothing-to-resume" }
  /** No release has been started in the journal store at `place`. */
  | { readonly kind: "no-release"; readonly place: string }
  /** The release the lock or the store names has no journal (yet). */
  | {
      readonly kind: "no-journal";
      readonly release: string;
      readonly known: readonly string[];
      readonly place: string;
    }
  /** The release finished: there is nothing left to resume, pause, promote or abort. */
  | { readonly kind: "finished"; readonly release: string; readonly outcome: ReleaseOutcome }
  /** `deploy` of a release whose journal holds an attempt that has not finished. */
  | {
      readonly kind: "in-progress";
      readonly release: string;
      readonly startedBy: string;
      readonly startedAt: string;
    }
  /**
   * `rollback` of a release that succeeded: its old colors are scaled down, so only a deploy of
   * the `previous` version goes back.
   */
  | { readonly kind: "final"; readonly release: string; readonly previous: string | undefined };

/** What was refused, in words any front end can show (no command, no exit code). */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.kind) {
    case "nothing-to-resume":
      return "nothing to resume: no release was started";
    case "no-release":
      return `no release has been started in ${refusal.place}`;
    case "no-journal":
      return (
        `release ${refusal.release} has no journal; known releases: ` +
        `${refusal.known.join(", ") || "(none)"} (journal ${refusal.place})`
      );
    case "finished":
      return `release ${refusal.release} already finished: ${refusal.outcome}`;
    case "in-progress":
      return (
        `release ${refusal.release} is already in progress (started by ${refusal.startedBy} at ` +
        `${refusal.startedAt})`
      );
    case "final":
      return (
        `release ${refusal.release} is final: its old colors are scaled down, so a rollback is ` +
        `no longer a flip`
      );
  }
}

/** A refusal on its way to the front end; thrown before anything changed. */
export class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(describeRefusal(refusal));
    this.name = "RefusedError";
  }
}
