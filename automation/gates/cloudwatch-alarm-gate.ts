import type { AwsReadScope } from "./adapters/aws/aws-gate-clients";
import { error, fail, type Gate, type GateTarget, type Measurement, pass } from "./gate";

export interface AlarmState {
  readonly name: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
  /** A metric alarm's Period (composite alarms have none). */
  readonly periodSeconds?: number;
}

export interface AlarmStateReader {
  describe(
    scope: AwsReadScope,
    names: readonly string[],
    signal: AbortSignal,
  ): Promise<readonly AlarmState[]>;
}

/**
 * Fails while any of the Outpost's CloudWatch alarms (from the outputs) is in ALARM. It holds
 * the analysis for `floorAlarmPeriods` of the longest alarm period it read (Measurement.floorMs),
 * so that an alarm on a slow burn can still fire before the bake passes: an alarm sees the
 * metric one datapoint per period ("Using Amazon CloudWatch alarms", Evaluating an alarm:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
 */
export class CloudWatchAlarmGate implements Gate {
  readonly name = "cloudwatch-alarms";

  constructor(
    private readonly reader: AlarmStateReader,
    private readonly floorAlarmPeriods = 0,
  ) {}

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
    const period = Math.max(0, ...states.map((s) => s.periodSeconds ?? 0));
    const floorSeconds = this.floorAlarmPeriods * period;
    const held =
      floorSeconds > 0
        ? `, held ${floorSeconds}s (${this.floorAlarmPeriods} x ${period}s period)`
        : "";
    const passed = pass(`${states.length} alarm(s) not firing${held}`);
    return floorSeconds > 0 ? { ...passed, floorMs: floorSeconds * 1000 } : passed;
  }
}
