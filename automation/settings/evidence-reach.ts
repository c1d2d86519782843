import { type AnalysisEvidenceInput, analysisEvidence } from "../gates/evidence/analysis-evidence";
import { assertEvidenceReachable } from "../gates/evidence/evidence-settings";

interface ReachInput {
  readonly confidence: number;
  readonly maxErrorRate: number;
  readonly maxP99Ms: number;
  readonly intervalSeconds: number;
  readonly previewRequestsPerCheck: number;
  readonly verifyTimeoutSeconds: number;
  /** `analysis.evidence` (driver-settings.ts; its own shape here, so the two import one way). */
  readonly evidence: AnalysisEvidenceInput["evidence"] & {
    readonly timeoutSeconds: number;
    readonly requestsPerSecond: { readonly aws: number; readonly local: number };
  };
}

/**
 * Refuses at load (exit 2, with the numbers) settings under which an evidence-based gate could
 * never pass: verify's preview probe sends `previewRequestsPerCheck` every `intervalSeconds`
 * for at most `verifyTimeoutSeconds`, all of them the candidate's; a shift or bake sees the
 * Outpost's `evidence.requestsPerSecond` at each traffic step's weight for at most
 * `evidence.timeoutSeconds`. The smallest step binds. Latency counts as a test of its own
 * (p99: at most 1% slower than maxP99Ms), so it is counted in the fewest requests a pass needs.
 */
export function assertGatesCanDecide(
  analysis: ReachInput,
  traffic: { readonly aws: readonly number[]; readonly local: readonly number[] },
  source: string,
): void {
  // confidence and power are checked by the schema; the rates and the traffic here.
  const settings = analysisEvidence(analysis, { latency: true });
  assertEvidenceReachable(
    settings,
    {
      requestsPerSecond: analysis.previewRequestsPerCheck / analysis.intervalSeconds,
      candidateShare: 1,
      timeoutSeconds: analysis.verifyTimeoutSeconds,
    },
    `${source}: verify (analysis.previewRequestsPerCheck / intervalSeconds for verifyTimeoutSeconds): analysis`,
  );
  for (const target of ["aws", "local"] as const) {
    const smallest = Math.min(...traffic[target]);
    assertEvidenceReachable(
      settings,
      {
        requestsPerSecond: analysis.evidence.requestsPerSecond[target],
        candidateShare: smallest / 100,
        timeoutSeconds: analysis.evidence.timeoutSeconds,
      },
      `${source}: traffic.${target} step ${smallest}% (analysis.evidence.requestsPerSecond.${target} for timeoutSeconds): analysis`,
    );
  }
}
