import type { Color } from "../../infra/contract";
import type { GateSummary } from "../gates/gate-summary";
import type { RollbackScope, RolloutPlan } from "../plan/plan-types";
import type { DriverConfig, PolicyViolation } from "../engine/engine-port";

/** Who did something: recorded on every event that a person or a CI job causes. */
export interface Actor {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** The CI run it belongs to (a GitHub Actions run, a CodeBuild build), when there is one. */
  readonly runId?: string;
}

/** What a release attempt asks of staging before its production waves. */
export interface StagingCheck {
  readonly check: "required" | "skipped";
  readonly stacks: readonly string[];
}

export type ReleaseOutcome =
  | "succeeded"
  | "rolled-back"
  | "rollback-incomplete"
  | "aborted"
  | "blocked";

/** Where the line stopped: one batch of one wave. */
export interface BatchRef {
  readonly wave: string;
  readonly batch: number;
}

export type RollbackCause = "failure" | "abort" | "rollback" | "policy";

export type RollbackPhase = "traffic" | "restore" | "release-config" | "sync";

/**
 * Everything the journal records, one JSON object per line. The driver appends; nothing is
 * ever rewritten. See docs/driver.md for the meaning of each event.
 */
export type JournalEventBody =
  | {
      readonly type: "release-started";
      readonly attempt: number;
      readonly plan: RolloutPlan;
      /** Driver config of every stack before the first change: what a rollback restores. */
      readonly baselines: Readonly<Record<string, DriverConfig>>;
      readonly by: Actor;
      readonly command: string;
      /**
       * The fleet's staging stacks of the release's target, and whether a production wave needs a
       * fresh staging pass of this build first (`skipped`: `deploy --skip-staging`). Absent when
       * the fleet has no staging stacks (and in journals written before the check existed).
       */
      readonly staging?: StagingCheck;
    }
  | { readonly type: "preflight-passed"; readonly stack: string }
  | {
      readonly type: "preflight-blocked";
      readonly stack: string;
      readonly violations: readonly PolicyViolation[];
    }
  | { readonly type: "wave-approved"; readonly wave: string; readonly by: Actor | "policy" }
  | { readonly type: "wave-started"; readonly wave: string }
  | ({
      readonly type: "step-started";
      readonly step: string;
      readonly stages: readonly string[];
    } & BatchRef)
  | ({
      readonly type: "step-completed";
      readonly step: string;
      readonly stages: readonly string[];
    } & BatchRef)
  | ({
      /** What the stack outputs report for an Outpost after a step changed it. */
      readonly type: "stage-observed";
      readonly step: string;
      readonly stage: string;
      readonly activeColor: Color;
      readonly candidateWeight: number;
      readonly versions: Readonly<Record<Color, string>>;
      /** Listener weights by color, in the load balancer's units. */
      readonly weights: Readonly<Record<Color, number>>;
      /** The version the Outpost's Rollout runs, or null without EKS. */
      readonly rolloutVersion: string | null;
    } & BatchRef)
  | ({
      /** How each gate of one stage ended a step's analysis, with its figures. */
      readonly type: "gate-evaluated";
      readonly step: string;
      readonly stage: string;
      readonly gates: readonly GateSummary[];
    } & BatchRef)
  | ({
      readonly type: "stage-failed";
      readonly stage: string;
      readonly step: string;
      readonly reason: string;
    } & BatchRef)
  | { readonly type: "wave-completed"; readonly wave: string }
  | {
      readonly type: "rollback-started";
      /** failure: a step or gate failed; policy: a mandatory policy violation; abort, rollback: operators. */
      readonly cause: RollbackCause;
      readonly scope: RollbackScope;
      readonly stages: readonly string[];
      readonly reason: string;
    }
  | {
      readonly type: "rollback-step-completed";
      readonly phase: RollbackPhase;
      readonly stack: string;
    }
  | { readonly type: "rollback-completed" }
  | { readonly type: "rollback-failed"; readonly reason: string }
  /**
   * Every wave's last bake passed: the fleet serves the release, and the release is reported
   * deployed. Finalize (the old colors scale down) follows, off the critical path.
   */
  | { readonly type: "release-deployed" }
  | { readonly type: "finalize-started"; readonly notBefore: string }
  | { readonly type: "finalize-completed"; readonly stack: string }
  | {
      readonly type: "release-finished";
      readonly outcome: ReleaseOutcome;
      readonly reason?: string;
    }
  // Requests from operators (other processes); the driver acts on them at a step boundary.
  | { readonly type: "pause-requested"; readonly by: Actor }
  | { readonly type: "abort-requested"; readonly by: Actor; readonly reason: string }
  | { readonly type: "rollback-requested"; readonly by: Actor; readonly reason: string }
  | { readonly type: "promote-requested"; readonly by: Actor; readonly wave?: string }
  | { readonly type: "paused"; readonly before: string }
  | { readonly type: "resumed"; readonly by: Actor };

export type JournalEventType = JournalEventBody["type"];

/** A stored event: its body plus a sequence number and a timestamp. */
export type JournalEvent = JournalEventBody & { readonly seq: number; readonly at: string };

export const CONTROL_EVENTS: readonly JournalEventType[] = [
  "pause-requested",
  "abort-requested",
  "rollback-requested",
  "promote-requested",
];
