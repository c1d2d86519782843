import type { AwsReadScope } from "./adapters/aws/aws-gate-clients";
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
