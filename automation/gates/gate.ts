import type { Color, OutpostOutputs } from "../../infra/contract";
import type { Target } from "../fleet/fleet-stack";
import type { Figure } from "./gate-summary";

export type { Figure };

/**
 * When a gate runs: `verify` checks the new color on the preview path before it gets any
 * production traffic, `shift` after each weight change (the flip included), `bake` while the
 * release soaks on full traffic, `canary` while Argo Rollouts runs the EKS canary, `test` on a
 * staging Outpost after its flip (integration, security, ECR scan and load: test-gate-run.ts).
 */
export type GatePhase = "verify" | "shift" | "bake" | "canary" | "test";

/** Everything a gate may look at for one Outpost; endpoints come from the stack outputs. */
export interface GateTarget {
  readonly stack: string;
  readonly outpost: string;
  readonly target: Target;
  readonly awsRegion: string | undefined;
  readonly outputs: OutpostOutputs;
  readonly phase: GatePhase;
  /** The version being rolled out. */
  readonly release: string;
  /** The version the old color runs: still acceptable while traffic is split. */
  readonly previousVersion: string;
  readonly candidateColor: Color;
  /** The fingerprint of the runtime settings the stack published; `/config` must report it. */
  readonly runtimeFingerprint?: string;
}

/**
 * One observation: `pending` means "not yet" (targets still registering) and neither passes nor
 * fails; `error` means the gate could not observe (timeout, unreachable): inconclusive, but too
 * many in a row fail the analysis.
 */
export type Verdict = "pass" | "fail" | "pending" | "error";

export interface Measurement {
  readonly verdict: Verdict;
  readonly detail: string;
  /** The figures behind the verdict, for the journal, the live view and notifications. */
  readonly figures?: readonly Figure[];
  /**
   * A sequential test's decision (evidence/sequential-evidence.ts), not one sample: a
   * conclusive fail fails the analysis at once, a conclusive pass stands for the passes in a
   * row that a sampled gate needs.
   */
  readonly conclusive?: boolean;
  /**
   * The least time since the analysis began before it may pass, as this gate's own sources
   * need it (two periods of the Outpost's CloudWatch alarms, so a slow burn can still fire).
   */
  readonly floorMs?: number;
}

export interface Gate {
  readonly name: string;
  /**
   * Called once before an analysis' first measurement: a gate that judges what happened
   * during the step (counters, a sample) starts its window here.
   */
  begin?(target: GateTarget, signal: AbortSignal): Promise<void>;
  measure(target: GateTarget, signal: AbortSignal): Promise<Measurement>;
}

/** Chooses the gates for a target and phase; the executor knows nothing else about gates. */
export interface GateSuite {
  gatesFor(target: GateTarget): readonly Gate[];
}

export const pass = (detail: string, figures?: readonly Figure[]): Measurement =>
  figures ? { verdict: "pass", detail, figures } : { verdict: "pass", detail };
export const fail = (detail: string, figures?: readonly Figure[]): Measurement =>
  figures ? { verdict: "fail", detail, figures } : { verdict: "fail", detail };
export const pending = (detail: string, figures?: readonly Figure[]): Measurement =>
  figures ? { verdict: "pending", detail, figures } : { verdict: "pending", detail };
export const error = (detail: string): Measurement => ({ verdict: "error", detail });
