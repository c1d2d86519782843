import type { Color } from "../../infra/contract";
import { type AwsClientConfig, type AwsReadScope, gateClients } from "./aws-gate-clients";
import { type CredentialsFor, driverCredentials } from "./gate-credentials";
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

type Elb = typeof import("@aws-sdk/client-elastic-load-balancing-v2");

/** The one call the reader makes, so tests can stand in for the SDK client. */
export interface TargetHealthClient {
  send(
    command: InstanceType<Elb["DescribeTargetHealthCommand"]>,
    options: { abortSignal: AbortSignal },
  ): Promise<import("@aws-sdk/client-elastic-load-balancing-v2").DescribeTargetHealthCommandOutput>;
}

/**
 * The AWS SDK v3 adapter, loaded only when an AWS gate runs. It reads with the stack's
 * credentials (`credentialsFor`; by default the driver's own), one client per role and region.
 */
export function awsTargetHealthReader(
  credentialsFor: CredentialsFor = driverCredentials,
  newClient: (config: AwsClientConfig) => Promise<TargetHealthClient> = async (config) =>
    new (await import("@aws-sdk/client-elastic-load-balancing-v2")).ElasticLoadBalancingV2Client(
      config,
    ),
): TargetHealthReader {
  const clientFor = gateClients(credentialsFor, newClient);
  return {
    async describe(scope, targetGroupArn, signal) {
      const sdk = await import("@aws-sdk/client-elastic-load-balancing-v2");
      const client = await clientFor(scope);
      const result = await client.send(
        new sdk.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
        { abortSignal: signal },
      );
      return (result.TargetHealthDescriptions ?? []).map((d) => ({
        id: `${d.Target?.Id ?? "?"}:${d.Target?.Port ?? ""}`,
        state: d.TargetHealth?.State ?? "unavailable",
        reason: d.TargetHealth?.Description ?? d.TargetHealth?.Reason,
      }));
    },
  };
}
