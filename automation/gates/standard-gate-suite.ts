import type { Gate, GateSuite, GateTarget } from "./gate";
import { hasRollout } from "../rollouts/rollout-controller";
import { canaryJudgedByOwnTraffic } from "./canary-evidence";

export interface StandardGates {
  /** The external probe: the preview path in verify, the Ingress in canary, else production. */
  readonly http: Gate;
  readonly outputsVersion: Gate;
  /** The candidate's own traffic, from the balancer's per-color figures. */
  readonly candidateTraffic: Gate;
  /** AWS target only. */
  readonly targetHealth?: Gate;
  readonly alarms?: Gate;
  readonly rollout?: Gate;
  /** Staging test gates, run after the flip by test-gate-run.ts; ECR scan on AWS only. */
  readonly integration?: Gate;
  readonly security?: Gate;
  readonly ecrScan?: Gate;
  readonly load?: Gate;
}

/**
 * The gates per phase. Before any production traffic (verify), the candidate is tested on
 * the preview path; once it takes traffic (shift, flip, bake), it is judged by its own
 * requests and errors. On the local target there is no ELB, CloudWatch or Argo: HAProxy's
 * statistics stand in for the target-group metrics. The bake time itself is the executor's.
 * A staging Outpost, after its flip, runs the test gates (integration, security, ECR scan, load).
 */
export class StandardGateSuite implements GateSuite {
  constructor(private readonly gates: StandardGates) {}

  gatesFor(target: GateTarget): readonly Gate[] {
    const aws = target.target === "aws";
    const onAws = (gate: Gate | undefined) => (aws && gate ? [gate] : []);
    const rollout = hasRollout(target) && this.gates.rollout ? [this.gates.rollout] : [];
    switch (target.phase) {
      case "verify":
        return [this.gates.outputsVersion, ...onAws(this.gates.targetHealth), this.gates.http];
      case "shift":
        return [this.gates.http, this.gates.candidateTraffic, ...onAws(this.gates.targetHealth)];
      case "bake":
        return [
          this.gates.http,
          this.gates.candidateTraffic,
          ...onAws(this.gates.targetHealth),
          ...onAws(this.gates.alarms),
          ...rollout,
        ];
      case "canary":
        // The Rollout's own state is judged by the watch on every poll (executor/canary-watch.ts);
        // a Rollout gate here would stay pending at the very pause this evidence is to end.
        return canaryJudgedByOwnTraffic(target)
          ? [this.gates.http, this.gates.candidateTraffic]
          : [this.gates.http];
      case "test": {
        // Load last: run in order on the local target, it must not share the machine with the
        // others (on AWS test-gate-run.ts runs them side by side).
        const given = (gate: Gate | undefined) => (gate ? [gate] : []);
        return [
          ...given(this.gates.integration),
          ...given(this.gates.security),
          ...onAws(this.gates.ecrScan),
          ...given(this.gates.load),
        ];
      }
    }
  }
}
