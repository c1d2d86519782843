import { expect } from "chai";
import * as http from "node:http";
import { parseAppConfig } from "../../app/app-options";
import { type PutMetricData, startMetricsPublisher } from "../../app/cloudwatch-metrics-publisher";
import { latencyBucket, metricData, RequestMetrics } from "../../app/request-metrics";
import { startApp } from "../../app/server";

const TARGET = {
  namespace: "OutpostFleet/storefront",
  outpost: "nyc-dc1",
  track: "green",
  periodSeconds: 10,
};

describe("app: its own request metrics for the release gates", () => {
  it("buckets a latency at an upper bound never below it, within 150 distinct values", () => {
    expect(latencyBucket(0.3)).to.equal(1);
    expect(latencyBucket(9.3)).to.equal(10);
    expect(latencyBucket(499)).to.equal(500);
    expect(latencyBucket(500)).to.equal(500);
    expect(latencyBucket(501)).to.equal(550);
    expect(latencyBucket(10 ** 9)).to.equal(600_000);
    const bounds = new Set(Array.from({ length: 700_000 }, (_, ms) => latencyBucket(ms)));
    expect(bounds.size).to.be.at.most(150);
    for (const ms of [0.5, 3, 47, 130, 777, 4321]) expect(latencyBucket(ms)).to.be.at.least(ms);
  });

  it("turns a window into high-resolution Requests, Errors5xx and LatencyMs by Outpost and Track", () => {
    const metrics = new RequestMetrics();
    metrics.record(200, 3.2);
    metrics.record(200, 3.9);
    metrics.record(503, 620);
    metrics.record(404, 1);
    const at = new Date("2026-12-07T12:00:10Z");
    const data = metricData(metrics.take(), TARGET, at);
    const Dimensions = [
      { Name: "Outpost", Value: "nyc-dc1" },
      { Name: "Track", Value: "green" },
    ];
    const base = { Dimensions, Timestamp: at, StorageResolution: 1 };
    expect(data).to.deep.equal([
      { ...base, MetricName: "Requests", Unit: "Count", Value: 4 },
      { ...base, MetricName: "Errors5xx", Unit: "Count", Value: 1 },
      {
        ...base,
        MetricName: "LatencyMs",
        Unit: "Milliseconds",
        Values: [1, 4, 650],
        Counts: [1, 2, 1],
      },
    ]);
    // The window starts again empty; an empty one publishes nothing.
    expect(metricData(metrics.take(), TARGET, at)).to.deep.equal([]);
  });

  it("the app counts customers' requests, not probes, and publishes them on shutdown", async () => {
    const sent: Parameters<PutMetricData>[0][] = [];
    const publisher = startMetricsPublisher(
      TARGET,
      (input) => {
        sent.push(input);
        return Promise.resolve();
      },
      (error) => {
        throw error;
      },
    );
    const app = await startApp(parseAppConfig({ PORT: "0" }), undefined, publisher);
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port: app.port, path }, (response) => {
            response.resume();
            response.on("end", () => resolve(response.statusCode ?? 0));
          })
          .on("error", reject);
      });
    for (const path of ["/version", "/version", "/health", "/ready", "/products"]) await get(path);
    await app.shutdown();
    expect(sent).to.have.length(1);
    expect(sent[0].Namespace).to.equal("OutpostFleet/storefront");
    const requests = sent[0].MetricData.find((d) => d.MetricName === "Requests");
    expect(requests?.Value).to.equal(3);
  });

  it("a failed publish is reported and never fails the app", async () => {
    const warned: unknown[] = [];
    const publisher = startMetricsPublisher(
      TARGET,
      () => Promise.reject(new Error("throttled")),
      (error) => warned.push(error),
    );
    publisher.metrics.record(200, 1);
    await publisher.stop();
    expect(warned.map(String)).to.deep.equal(["Error: throttled"]);
  });

  it("reads where to publish from the environment, and refuses a period CloudWatch has not", () => {
    expect(parseAppConfig({}).metrics).to.equal(undefined);
    expect(
      parseAppConfig({
        OUTPOST: "nyc-dc1",
        APP_METRICS_NAMESPACE: "OutpostFleet/storefront",
        APP_METRICS_TRACK: "eks:2.1.0",
      }).metrics,
    ).to.deep.equal({
      namespace: "OutpostFleet/storefront",
      outpost: "nyc-dc1",
      track: "eks:2.1.0",
      periodSeconds: 10,
    });
    const attempt = () =>
      parseAppConfig({ APP_METRICS_NAMESPACE: "N", APP_METRICS_PERIOD_SECONDS: "15" });
    expect(attempt).to.throw(/APP_METRICS_TRACK is required with APP_METRICS_NAMESPACE/);
    expect(attempt).to.throw(/APP_METRICS_PERIOD_SECONDS="15" must be one of 1, 5, 10, 20, 30/);
  });
});
