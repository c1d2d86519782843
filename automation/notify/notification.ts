import type { Figure } from "../gates/gate-summary";
import type { ReleaseOutcome } from "../journal/journal-events";
import type { ColorSplit } from "../progress/stage-traffic";

/** What a sink can be told about; each comes from one journal event (or, for approval, a wait). */
export const TRIGGERS = [
  "release-started",
  "wave-started",
  "wave-completed",
  "gate-failed",
  "rollback-started",
  "rollback-completed",
  "rollback-failed",
  "paused",
  "waiting-for-approval",
  "release-finished",
] as const;

export type Trigger = (typeof TRIGGERS)[number];

export type Severity = "info" | "success" | "warning" | "error";

/** An Outpost a notification is about, with its traffic split before and after. */
export interface OutpostRef {
  readonly stage: string;
  readonly stack: string;
  readonly outpost: string;
  readonly ring: number;
  /** AWS region of the Outpost's stack, when known. */
  readonly region: string | null;
  readonly weights: { readonly before: ColorSplit | null; readonly after: ColorSplit | null };
}

/**
 * One notification, whatever the sink: the generic webhook sends it as it is (with `schema` and
 * `sentAt`), Slack and Teams render it. Weights are percent of the Outpost's traffic per color.
 */
export interface Notification {
  /** Stable for one occurrence: a retry or a second driver reporting it again sends the same key. */
  readonly idempotencyKey: string;
  readonly event: Trigger;
  readonly severity: Severity;
  /** One line for people. */
  readonly title: string;
  readonly release: string;
  readonly attempt: number;
  /** The wave (region group), when the event belongs to one. */
  readonly wave: string | null;
  /** AWS region: of the Outpost, or of the wave's stacks when they share one. */
  readonly region: string | null;
  readonly stack: string | null;
  readonly outpost: string | null;
  readonly ring: number | null;
  readonly step: string | null;
  readonly gate: {
    readonly name: string;
    readonly verdict: "pass" | "fail";
    readonly detail: string;
    readonly figures: readonly Figure[];
  } | null;
  /** The split of the Outpost this is about; for several Outposts, see `outposts`. */
  readonly weights: {
    readonly before: ColorSplit | null;
    readonly after: ColorSplit | null;
  } | null;
  readonly outposts: readonly OutpostRef[];
  readonly outcome: ReleaseOutcome | null;
  readonly reason: string | null;
  /** `user@host` of who caused it: an operator, or the driver. */
  readonly actor: string | null;
  /** When the journal recorded it. */
  readonly occurredAt: string;
  readonly journalSeq: number;
  /** The CI run that drives the release, when the environment names one. */
  readonly runUrl: string | null;
  /**
   * release-finished only, when the release left its Outposts on two versions: which, where,
   * and the command that brings the fleet back to one (operations/fleet-consistency.ts).
   */
  readonly splitFleet?: string;
}
