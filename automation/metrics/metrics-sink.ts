/**
 * Where the driver's release metrics go (OUTPOST_FLEET_METRICS): CloudWatch PutMetricData in
 * the release namespace (the control plane's deploy project sets `cloudwatch`), a JSON-lines
 * file (`file:<path>`, e.g. on the local target), or nowhere (unset or `off`). A sink hears
 * every journal event the driver appends and never fails or slows the release: figures are
 * sent in the background and a failure is only logged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RELEASE_METRICS_NAMESPACE } from "../../infra/control/release-metric-names";
import type { JournalEvent } from "../journal/journal-events";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { invalidValue } from "../support/user-error";
import { ReleaseDatum, ReleaseMetricsTracker } from "./release-metrics";

export interface MetricsSink {
  /** Hears one journal event; returns at once. */
  record(event: JournalEvent): void;
  /** Waits for what was sent. */
  close(): Promise<void>;
}

/** What a sink writes to; each figure lands once. */
export type MetricsWriter = (data: readonly ReleaseDatum[]) => Promise<void>;

/** The part of the CloudWatch client the sink uses: its `send`. */
export interface CloudWatchSend {
  send(command: unknown): Promise<unknown>;
}

/** PutMetricData takes at most 1000 metrics per request (CloudWatch API Reference). */
const MAX_PER_REQUEST = 1000;

/** A writer that calls PutMetricData through `client` (injected in tests). */
export function cloudWatchWriter(
  client: CloudWatchSend,
  commandOf: (input: unknown) => unknown,
): MetricsWriter {
  return async (data) => {
    for (let i = 0; i < data.length; i += MAX_PER_REQUEST) {
      await client.send(
        commandOf({
          Namespace: RELEASE_METRICS_NAMESPACE,
          MetricData: data.slice(i, i + MAX_PER_REQUEST).map((d) => ({
            MetricName: d.metric,
            Unit: d.unit,
            Value: d.value,
            Timestamp: new Date(d.timestamp),
            Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
          })),
        }),
      );
    }
  };
}

/** A writer that appends one JSON object per figure to `file`. */
export function jsonLinesWriter(file: string): MetricsWriter {
  return async (data) => {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const text = data
      .map((d) => JSON.stringify({ namespace: RELEASE_METRICS_NAMESPACE, ...d }))
      .join("\n");
    await fs.promises.appendFile(file, `${text}\n`);
  };
}

/** Turns events into figures and writes them in order, in the background. */
export class ReleaseMetricsSink implements MetricsSink {
  private readonly tracker: ReleaseMetricsTracker;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    release: string,
    private readonly write: MetricsWriter,
    private readonly log?: Logger,
  ) {
    this.tracker = new ReleaseMetricsTracker(release);
  }

  record(event: JournalEvent): void {
    const data = this.tracker.figures(event);
    if (data.length === 0) return;
    this.chain = this.chain
      .then(() => this.write(data))
      .catch((error: unknown) => {
        this.log?.warn(`release metrics not sent: ${messageOf(error)}`);
      });
  }

  /** Waits for what was sent, at most `drainMs` (a hung endpoint never holds the driver). */
  close(drainMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
      timer.unref();
    });
    return Promise.race([this.chain, timeout]).finally(() => clearTimeout(timer));
  }
}

export const noMetrics: MetricsSink = { record: () => {}, close: () => Promise.resolve() };

/** The sink OUTPOST_FLEET_METRICS asks for; a bad value is a user error naming it. */
export function metricsSinkFrom(
  env: NodeJS.ProcessEnv,
  release: string,
  log?: Logger,
  client?: CloudWatchSend,
): MetricsSink {
  const setting = env.OUTPOST_FLEET_METRICS ?? "off";
  if (setting === "off" || setting === "") return noMetrics;
  if (setting.startsWith("file:") && setting.length > "file:".length)
    return new ReleaseMetricsSink(release, jsonLinesWriter(setting.slice("file:".length)), log);
  if (setting === "cloudwatch") {
    // Loaded only when asked for: a local release never loads the AWS SDK.
    type Sdk = typeof import("@aws-sdk/client-cloudwatch");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@aws-sdk/client-cloudwatch") as Sdk;
    const send = client ?? new sdk.CloudWatchClient({});
    const commandOf = (input: unknown) =>
      new sdk.PutMetricDataCommand(
        input as ConstructorParameters<typeof sdk.PutMetricDataCommand>[0],
      );
    return new ReleaseMetricsSink(release, cloudWatchWriter(send, commandOf), log);
  }
  throw invalidValue("OUTPOST_FLEET_METRICS", setting, "must be cloudwatch, file:<path> or off");
}
