import type { EvidenceSettings } from "./evidence-settings";

/** The part of the driver's `analysis` settings the evidence reads (driver-settings.ts). */
export interface AnalysisEvidenceInput {
  readonly confidence: number;
  readonly maxErrorRate: number;
  readonly maxP99Ms: number;
  readonly evidence: {
    readonly power: number;
    readonly acceptableErrorRate?: number;
    readonly maxRatioToStable: number;
  };
}

/**
 * The evidence a gate holds the candidate to, from the driver's settings. Pure. `latency`: the
 * gate's source counts the requests slower than `maxP99Ms` (a p99 limit is "at most 1% slower
 * than it", latency-counts.ts); without such counts the latency is judged apart.
 */
export function analysisEvidence(
  analysis: AnalysisEvidenceInput,
  options: { readonly latency: boolean },
): EvidenceSettings {
  const { confidence, maxErrorRate, maxP99Ms, evidence } = analysis;
  return {
    confidence,
    power: evidence.power,
    maxErrorRate,
    ...(evidence.acceptableErrorRate === undefined
      ? {}
      : { acceptableErrorRate: evidence.acceptableErrorRate }),
    ...(options.latency ? { latency: { thresholdMs: maxP99Ms, quantile: 0.99 } } : {}),
    comparison: { maxRatio: evidence.maxRatioToStable },
  };
}
