import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { JournalEvent, JournalEventBody } from "../../automation/journal/journal-events";
import {
  cloudWatchWriter,
  metricsSinkFrom,
  noMetrics,
  ReleaseMetricsSink,
} from "../../automation/metrics/metrics-sink";
import { ReleaseMetricsTracker } from "../../automation/metrics/release-metrics";

let seq = 0;
function event(body: Record<string, unknown>, at: string): JournalEvent {
  return { ...(body as unknown as JournalEventBody), seq: ++seq, at };
}

const GATE = (verdict: "pass" | "fail") => ({
  gate: "error-rate",
  verdict,
  detail: "",
  figures: [],
});

/** A release that completes us, rolls back in eu after two failing gates, and finishes. */
const EVENTS: JournalEvent[] = [
  event({ type: "release-started", attempt: 1 }, "2026-12-06T03:00:00.000Z"),
  event({ type: "wave-started", wave: "us" }, "2026-12-06T03:00:01.000Z"),
  event(
    {
      type: "gate-evaluated",
      wave: "us",
      batch: 1,
      step: "canary",
      stage: "nyc",
      gates: [GATE("pass")],
    },
    "2026-12-06T03:05:00.000Z",
  ),
  event({ type: "wave-completed", wave: "us" }, "2026-12-06T03:10:00.000Z"),
  event({ type: "wave-started", wave: "eu" }, "2026-12-06T03:10:01.000Z"),
  event(
    {
      type: "gate-evaluated",
      wave: "eu",
      batch: 1,
      step: "canary",
      stage: "fra",
      gates: [GATE("fail"), { ...GATE("fail"), gate: "latency" }, GATE("pass")],
    },
    "2026-12-06T03:15:00.000Z",
  ),
  event(
    { type: "rollback-started", cause: "failure", scope: "wave", stages: [], reason: "gate" },
    "2026-12-06T03:15:01.000Z",
  ),
  event({ type: "release-finished", outcome: "rolled-back" }, "2026-12-06T03:20:00.000Z"),
];

const FIGURES = [
  {
    metric: "WavesCompleted",
    unit: "Count",
    value: 1,
    dimensions: { Release: "2.1.0", Region: "us" },
    timestamp: "2026-12-06T03:10:00.000Z",
  },
  {
    metric: "GateFailures",
    unit: "Count",
    value: 2,
    dimensions: { Release: "2.1.0", Region: "eu" },
    timestamp: "2026-12-06T03:15:00.000Z",
  },
  {
    metric: "Rollbacks",
    unit: "Count",
    value: 1,
    dimensions: { Release: "2.1.0", Region: "eu" },
    timestamp: "2026-12-06T03:15:01.000Z",
  },
  {
    metric: "ReleaseDuration",
    unit: "Seconds",
    value: 1200,
    dimensions: { Release: "2.1.0" },
    timestamp: "2026-12-06T03:20:00.000Z",
  },
];

describe("release metrics", () => {
  it("turns journal events into the dashboard's figures, by release and region", () => {
    const tracker = new ReleaseMetricsTracker("2.1.0");
    expect(EVENTS.flatMap((e) => tracker.figures(e))).to.deep.equal(FIGURES);
  });

  it("times a resumed run from the first event it saw", () => {
    const tracker = new ReleaseMetricsTracker("2.1.0");
    const figures = EVENTS.slice(4).flatMap((e) => tracker.figures(e));
    expect(figures.at(-1)).to.deep.include({ metric: "ReleaseDuration", value: 599 });
  });

  it("sends PutMetricData in the release namespace through the client's send", async () => {
    const sent: unknown[] = [];
    const client = { send: (command: unknown) => (sent.push(command), Promise.resolve({})) };
    const sink = new ReleaseMetricsSink(
      "2.1.0",
      cloudWatchWriter(client, (input) => new PutMetricDataCommand(input as never)),
    );
    for (const e of EVENTS) sink.record(e);
    await sink.close();
    expect(sent).to.have.length(4);
    expect(sent.every((c) => c instanceof PutMetricDataCommand)).to.equal(true);
    expect((sent[1] as PutMetricDataCommand).input).to.deep.equal({
      Namespace: "OutpostFleet/Releases",
      MetricData: [
        {
          MetricName: "GateFailures",
          Unit: "Count",
          Value: 2,
          Timestamp: new Date("2026-12-06T03:15:00.000Z"),
          Dimensions: [
            { Name: "Release", Value: "2.1.0" },
            { Name: "Region", Value: "eu" },
          ],
        },
      ],
    });
  });

  it("never fails the release: a failing client is logged, and close returns", async () => {
    const warnings: string[] = [];
    const log = { warn: (message: string) => warnings.push(message) } as never;
    const client = { send: () => Promise.reject(new Error("AccessDenied")) };
    const sink = new ReleaseMetricsSink(
      "2.1.0",
      cloudWatchWriter(client, (i) => i),
      log,
    );
    for (const e of EVENTS) sink.record(e);
    await sink.close();
    expect(warnings).to.have.length(4);
    expect(warnings[0]).to.equal("release metrics not sent: AccessDenied");
  });

  it("OUTPOST_FLEET_METRICS picks the sink: off by default, JSON lines in a file, cloudwatch", async () => {
    expect(metricsSinkFrom({}, "2.1.0")).to.equal(noMetrics);
    expect(metricsSinkFrom({ OUTPOST_FLEET_METRICS: "off" }, "2.1.0")).to.equal(noMetrics);
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), "metrics-")),
      "m",
      "release.jsonl",
    );
    const local = metricsSinkFrom({ OUTPOST_FLEET_METRICS: `file:${file}` }, "2.1.0");
    for (const e of EVENTS) local.record(e);
    await local.close();
    const lines = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).to.deep.equal(FIGURES.map((f) => ({ namespace: "OutpostFleet/Releases", ...f })));

    const sent: unknown[] = [];
    const cloud = metricsSinkFrom({ OUTPOST_FLEET_METRICS: "cloudwatch" }, "2.1.0", undefined, {
      send: (command) => (sent.push(command), Promise.resolve({})),
    });
    for (const e of EVENTS) cloud.record(e);
    await cloud.close();
    expect(
      sent.map((c) => (c as PutMetricDataCommand).input.MetricData?.[0].MetricName),
    ).to.deep.equal(["WavesCompleted", "GateFailures", "Rollbacks", "ReleaseDuration"]);
    expect(() => metricsSinkFrom({ OUTPOST_FLEET_METRICS: "prometheus" }, "2.1.0")).to.throw(
      'OUTPOST_FLEET_METRICS = "prometheus": must be cloudwatch, file:<path> or off',
    );
  });
});
