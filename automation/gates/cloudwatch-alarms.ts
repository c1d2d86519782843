import { error, fail, type Gate, type GateTarget, type Measurement, pass } from "./gate";

export interface AlarmState {
  readonly name: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
}

export interface AlarmStateReader {
  describe(
    region: string | undefined,
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
    const states = await this.reader.describe(target.awsRegion, names, signal);
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

/** The AWS SDK v3 adapter, loaded only when an AWS gate runs. */
export function awsAlarmStateReader(): AlarmStateReader {
  const clients = new Map<string, import("@aws-sdk/client-cloudwatch").CloudWatchClient>();
  return {
    async describe(region, names, signal) {
      const sdk = await import("@aws-sdk/client-cloudwatch");
      const key = region ?? "default";
      let client = clients.get(key);
      if (!client) {
        client = new sdk.CloudWatchClient(region ? { region } : {});
        clients.set(key, client);
      }
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
