import { type AwsClientConfig, type AwsReadScope, gateClients } from "./aws-gate-clients";
import { type CredentialsFor, driverCredentials } from "./gate-credentials";
import { error, fail, type Gate, type GateTarget, type Measurement, pass } from "./gate";

export interface AlarmState {
  readonly name: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
}

export interface AlarmStateReader {
  describe(
    scope: AwsReadScope,
    names: readonly string[],
    signal: AbortSignal,
  ): Promise<readonly AlarmState[]>;
}

/** Fails while any of the Outpost's CloudWatch alarms (from the outputs) is in ALARM. */
export class CloudWatchAlarmGate implements Gate {
  readonly name = "cloudwatch-alarms";

  constructor(private readonly reader: AlarmStateReader) {}

  async measure(target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    const names = target.outputs.alarms;
    if (names.length === 0) return pass("no alarms configured");
    const states = await this.reader.describe(
      { stack: target.stack, region: target.awsRegion },
      names,
      signal,
    );
    const missing = names.filter((name) => !states.some((s) => s.name === name));
    const firing = states.filter((s) => s.state === "ALARM");
    if (firing.length > 0)
      return fail(
        `in ALARM: ${firing.map((a) => `${a.name} (${a.reason ?? "no reason"})`).join(", ")}`,
      );
    if (missing.length > 0) return error(`alarms not found: ${missing.join(", ")}`);
    return pass(`${states.length} alarm(s) not firing`);
  }
}

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
