import type { GateTarget } from "./gate";

/**
 * Whether the EKS canary is judged by its pods' own traffic (the app's high-resolution
 * metrics, by Track) rather than by the probe's answers on the Ingress: on AWS, where the
 * stack's outputs name the app's metrics. The probe then only checks that the Ingress answers
 * with an expected version; its few canary answers per check would take minutes to reach the
 * minimum sample at a 10% weight.
 */
export function canaryJudgedByOwnTraffic(target: GateTarget): boolean {
  return (
    target.phase === "canary" &&
    target.target === "aws" &&
    target.outputs.rollout !== null &&
    target.outputs.trafficStats.kind === "app-metrics"
  );
}
