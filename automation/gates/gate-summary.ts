/**
 * How gates report what they saw: a leaf module (no imports), so the journal's persisted event
 * schema can name gate results without depending on the gates themselves.
 */

/** One figure a gate judged: what it saw against the limit it holds it to. */
export interface Figure {
  /** e.g. "error rate", "p99", "candidate requests". */
  readonly name: string;
  readonly value: number;
  /** e.g. "%", "ms", "requests". */
  readonly unit: string;
  readonly threshold?: number;
  /** How `value` must compare with `threshold` to pass. */
  readonly limit?: "max" | "min";
}

/** How one gate ended an analysis: its verdict and the last measurement's figures. */
export interface GateSummary {
  readonly gate: string;
  readonly verdict: "pass" | "fail";
  readonly detail: string;
  readonly figures: readonly Figure[];
}
