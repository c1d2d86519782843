import type { Color, OutpostOutputs } from "../../infra/contract";
import type { Target } from "../fleet/fleet-stack";

/**
 * When a gate runs: `verify` checks the new color before it gets traffic, `shift` after each
 * weight change, `bake` while the release soaks on full traffic.
 */
export type GatePhase = "verify" | "shift" | "bake";

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
}

export interface Gate {
  readonly name: string;
  measure(target: GateTarget, signal: AbortSignal): Promise<Measurement>;
}

/** Chooses the gates for a target and phase; the executor knows nothing else about gates. */
export interface GateSuite {
  gatesFor(target: GateTarget): readonly Gate[];
}

export const pass = (detail: string): Measurement => ({ verdict: "pass", detail });
export const fail = (detail: string): Measurement => ({ verdict: "fail", detail });
export const pending = (detail: string): Measurement => ({ verdict: "pending", detail });
export const error = (detail: string): Measurement => ({ verdict: "error", detail });
