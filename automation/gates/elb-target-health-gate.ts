import type { Color } from "../../infra/contract";
import type { AwsReadScope } from "./adapters/aws/aws-gate-clients";
import { error, fail, type Gate, type GateTarget, type Measurement, pass, pending } from "./gate";

export interface TargetHealth {
  readonly id: string;
  /** initial | healthy | unhealthy | unused | draining | unavailable */
  readonly state: string;
  readonly reason?: string;
}

/** Port to the load balancer's view of a target group. */
export interface TargetHealthReader {
  describe(
    scope: AwsReadScope,
    targetGroupArn: string,
    signal: AbortSignal,
  ): Promise<readonly TargetHealth[]>;
}

/** The colors whose targets must be healthy: the candidate before it gets traffic, then both
 * while traffic is split, then the active one. */
export function colorsToCheck(target: GateTarget): Color[] {
  if (target.phase === "verify") return [target.candidateColor];
  const { activeColor, candidateWeight } = target.outputs;
  return candidateWeight > 0 ? ["blue", "green"] : [activeColor];
}

/** ELB target health through the AWS SDK (AWS target only). */
export class ElbTargetHealthGate implements Gate {
  readonly name = "elb-target-health";

  constructor(private readonly reader: TargetHealthReader) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const notes: string[] = [];
    for (const color of colorsToCheck(target)) {
      const arn = target.outputs.targetGroups[color];
      const scope = { stack: target.stack, region: target.awsRegion };
      const targets = await this.reader.describe(scope, arn, signal);
      const healthy = targets.filter((t) => t.state === "healthy").length;
      const unhealthy = targets.filter((t) => t.state === "unhealthy" || t.state === "unavailable");
      if (unhealthy.length > 0) {
        const first = unhealthy[0];
        return fail(
          `${color}: ${unhealthy.length}/${targets.length} targets unhealthy (${first.id}: ${first.reason ?? first.state})`,
        );
      }
      if (targets.length === 0) return pending(`${color}: no registered targets yet`);
      if (healthy < targets.length)
        return pending(`${color}: ${healthy}/${targets.length} targets healthy`);
      notes.push(`${color}: ${healthy}/${targets.length} healthy`);
    }
    return notes.length > 0 ? pass(notes.join(", ")) : error("no target group to check");
  }
}
