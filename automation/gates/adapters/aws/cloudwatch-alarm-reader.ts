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
 * DescribeAlarms takes at most 100 names per call and returns at most MaxRecords (1 to 100,
 * default 50) alarms per page; without AlarmTypes it returns metric alarms only, even when
 * composite alarms of those names exist.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 */
const MAX_NAMES = 100;
const MAX_RECORDS = 100;

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
      for (let i = 0; i < names.length; i += MAX_NAMES) {
        let nextToken: string | undefined;
        do {
          const page = await client.send(
            new sdk.DescribeAlarmsCommand({
              AlarmNames: names.slice(i, i + MAX_NAMES),
              AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
              MaxRecords: MAX_RECORDS,
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
            { abortSignal: signal },
          );
          for (const alarm of page.MetricAlarms ?? []) {
            states.push({
              name: alarm.AlarmName ?? "?",
              state: alarm.StateValue ?? "INSUFFICIENT_DATA",
              reason: alarm.StateReason,
              ...(alarm.Period === undefined ? {} : { periodSeconds: alarm.Period }),
            });
          }
          for (const alarm of page.CompositeAlarms ?? []) {
            states.push({
              name: alarm.AlarmName ?? "?",
              state: alarm.StateValue ?? "INSUFFICIENT_DATA",
              reason: alarm.StateReason,
            });
          }
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      }
      return states;
    },
  };
}
