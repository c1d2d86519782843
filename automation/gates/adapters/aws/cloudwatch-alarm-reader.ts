import type { AlarmState, AlarmStateReader } from "../../cloudwatch-alarm-gate";
import { type AwsClientConfig, gateClients } from "./aws-gate-clients";
import { type CredentialsFor, driverCredentials } from "./gate-credentials";

type CloudWatch = typeof import("@aws-sdk/client-cloudwatch");

/** The one call the reader makes, so tests can stand in for the SDK client. */
export interface AlarmsClient {
  send(
    command: InstanceType<CloudWatch["DescribeAlarmsCommand"]>,
    options: { abortSignal: AbortSignal },
  ): Promise<import("@aws-sdk/client-cloudwatch").DescribeAlarmsCommandOutput>;
}

/**
 * The AWS SDK v3 adapter, loaded only when an AWS gate runs. It reads with the stack's
 * credentials (`credentialsFor`; by default the driver's own), one client per role and region.
 */
export function awsAlarmStateReader(
  credentialsFor: CredentialsFor = driverCredentials,
  newClient: (config: AwsClientConfig) => Promise<AlarmsClient> = async (config) =>
    new (await import("@aws-sdk/client-cloudwatch")).CloudWatchClient(config),
): AlarmStateReader {
  const clientFor = gateClients(credentialsFor, newClient);
  return {
    async describe(scope, names, signal) {
      const sdk = await import("@aws-sdk/client-cloudwatch");
      const client = await clientFor(scope);
      const states: AlarmState[] = [];
      // DescribeAlarms takes at most 100 names per call.
      for (let i = 0; i < names.length; i += 100) {
        const result = await client.send(
          new sdk.DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }),
          { abortSignal: signal },
        );
        for (const alarm of [...(result.MetricAlarms ?? []), ...(result.CompositeAlarms ?? [])]) {
          states.push({
            name: alarm.AlarmName ?? "?",
            state: alarm.StateValue ?? "INSUFFICIENT_DATA",
            reason: alarm.StateReason,
          });
        }
      }
      return states;
    },
  };
}
