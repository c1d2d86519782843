import type { Gate, GateSuite, GateTarget } from "./gate";
import { hasRollout } from "./rollout-controller";

export interface StandardGates {
  readonly http: Gate;
  readonly outputsVersion: Gate;
  /** AWS target only. */
  readonly targetHealth?: Gate;
  readonly alarms?: Gate;
  readonly rollout?: Gate;
}

/**
 * The gates per phase. On the local target only HTTP probes and the outputs apply (there is no
 * ELB, CloudWatch or Argo); the bake time itself is the executor's.
 */
export class StandardGateSuite implements GateSuite {
  constructor(private readonly gates: StandardGates) {}

  gatesFor(target: GateTarget): readonly Gate[] {
    const aws = target.target === "aws";
    const onAws = (gate: Gate | undefined) => (aws && gate ? [gate] : []);
    switch (target.phase) {
      case "verify":
        return [this.gates.outputsVersion, ...onAws(this.gates.targetHealth), this.gates.http];
      case "shift":
        return [this.gates.http, ...onAws(this.gates.targetHealth)];
      case "bake":
        return [
          this.gates.http,
          ...onAws(this.gates.targetHealth),
          ...onAws(this.gates.alarms),
          ...(hasRollout(target) && this.gates.rollout ? [this.gates.rollout] : []),
        ];
    }
  }
}
