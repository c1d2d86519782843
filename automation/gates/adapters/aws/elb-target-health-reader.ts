import type { TargetHealthReader } from "../../elb-target-health-gate";
import { type AwsClientConfig, gateClients } from "./aws-gate-clients";
import { type CredentialsFor, driverCredentials } from "./gate-credentials";

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
