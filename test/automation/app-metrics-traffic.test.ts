import { expect } from "chai";
import type { OutpostOutputs } from "../../infra/contract";
import {
  appMetricQueries,
  appMetricsTrafficSource,
  colorsFromTracks,
} from "../../automation/gates/adapters/aws/app-metrics-traffic";
import type {
  GetMetricData,
  MetricQuery,
} from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import { CandidateTrafficGate } from "../../automation/gates/candidate-traffic-gate";
import { canaryJudgedByOwnTraffic } from "../../automation/gates/canary-evidence";
import type { GateTarget } from "../../automation/gates/gate";
import { StandardGateSuite } from "../../automation/gates/standard-gate-suite";
import { DEFAULT_SETTINGS } from "../../automation/settings/driver-settings";

const STATS = {
  kind: "app-metrics" as const,
  namespace: "OutpostFleet/storefront",
  outpost: "nyc-dc1",
  periodSeconds: 10,
};

const ROLLOUT = {
  name: "storefront",
  namespace: "storefront",
  version: "2.1.0",
  stableService: "storefront-stable",
  canaryService: "storefront-canary",
  ingressEndpoint: "https://ingress.example.com",
};

const outputs = (overrides: Partial<OutpostOutputs> = {}): OutpostOutputs => ({
  outpost: "nyc-dc1",
  endpoint: "https://nyc-dc1-alb.example.com",
  previewEndpoint: "https://nyc-dc1-alb.example.com:8443",
  serviceDomain: "shop.us.example.com",
  trafficStats: STATS,
  activeColor: "green",
  candidateWeight: 0,
  versions: { blue: "2.0.0", green: "2.1.0" },
  weights: { blue: 0, green: 100 },
  targetGroups: { blue: "arn:tg/blue", green: "arn:tg/green" },
  alarms: [],
  cluster: "storefront-nyc-dc1",
  rollout: ROLLOUT,
  ...overrides,
});

const target = (overrides: Partial<GateTarget> = {}): GateTarget => ({
  stack: "us",
  outpost: "nyc-dc1",
  target: "aws",
  awsRegion: "us-east-1",
  outputs: outputs(),
  phase: "canary",
  release: "2.1.0",
  previousVersion: "2.0.0",
  candidateColor: "green",
  ...overrides,
});
const never = new AbortController().signal;

/** A CloudWatch that holds, per track, requests and errors per 10 s period. */
function fakeCloudWatch(periods: Record<string, { requests: number; errors: number }[]>) {
  const asked: { queries: MetricQuery[]; start: number; end: number }[] = [];
  const get: GetMetricData = (_scope, input) => {
    asked.push({
      queries: input.MetricDataQueries,
      start: input.StartTime.getTime(),
      end: input.EndTime.getTime(),
    });
    return Promise.resolve(
      input.MetricDataQueries.map((query) => {
        const track = query.MetricStat.Metric.Dimensions.find((d) => d.Name === "Track")!.Value;
        const points = periods[track] ?? [];
        const name = query.MetricStat.Metric.MetricName;
        const values =
          query.Id === "requests"
            ? points.map((p) => p.requests)
            : query.Id === "errors"
              ? points.map((p) => p.errors)
              : query.Id === "latency"
                ? points.map(() => 12)
                : points.map(() => 0);
        if (name !== "Requests" && name !== "Errors5xx" && name !== "LatencyMs")
          throw new Error(`unknown metric ${name}`);
        return { Id: query.Id, Values: values };
      }),
    );
  };
  return { get, asked };
}

describe("gates: the app's own high-resolution metrics", () => {
  it("asks for the track's Requests, Errors5xx, p99 and slow count at the app's period", () => {
    expect(appMetricQueries(STATS, "eks:2.1.0", { slowerThanMs: 500 })).to.deep.equal(
      [
        ["requests", "Requests", "Sum"],
        ["errors", "Errors5xx", "Sum"],
        ["latency", "LatencyMs", "p99"],
        ["slow", "LatencyMs", "TC(500:4000000)"],
      ].map(([Id, MetricName, Stat]) => ({
        Id,
        MetricStat: {
          Metric: {
            Namespace: "OutpostFleet/storefront",
            MetricName,
            Dimensions: [
              { Name: "Outpost", Value: "nyc-dc1" },
              { Name: "Track", Value: "eks:2.1.0" },
            ],
          },
          Period: 10,
          Stat,
        },
      })),
    );
  });

  it("reads a window from its period's start, in milliseconds; a color is its own track", async () => {
    let now = Date.parse("2026-12-07T12:00:07Z");
    const cloudwatch = fakeCloudWatch({ green: [{ requests: 400, errors: 1 }] });
    const colors = colorsFromTracks(appMetricsTrafficSource(cloudwatch.get, () => now));
    const shift = target({ phase: "shift" });
    const mark = await colors.mark(shift, "green", never);
    now += 20_000;
    const traffic = await colors.since(shift, "green", mark, never, { slowerThanMs: 500 });
    expect(traffic).to.deep.equal({
      requests: 400,
      errors: 1,
      responseTimeMs: 12,
      responseTimeStat: "p99",
      slow: 0,
    });
    expect(cloudwatch.asked[0].start).to.equal(Date.parse("2026-12-07T12:00:00Z"));
    expect(cloudwatch.asked[0].end).to.equal(now);
    expect(
      cloudwatch.asked[0].queries[0].MetricStat.Metric.Dimensions.find((d) => d.Name === "Track")
        ?.Value,
    ).to.equal("green");
  });

  it("judges the EKS canary by its pods' own traffic: pending on too few, then a pass", async () => {
    const periods: Record<string, { requests: number; errors: number }[]> = {
      "eks:2.1.0": [{ requests: 100, errors: 0 }],
      "eks:2.0.0": [{ requests: 900, errors: 0 }],
    };
    const now = Date.now();
    const cloudwatch = fakeCloudWatch(periods);
    const tracks = appMetricsTrafficSource(cloudwatch.get, () => now);
    const gate = new CandidateTrafficGate({}, DEFAULT_SETTINGS.analysis, tracks);
    const canary = target();
    await gate.begin(canary, never);
    const first = await gate.measure(canary, never);
    expect(first.verdict).to.equal("pending");
    expect(first.detail).to.match(/^EKS canary 2\.1\.0 \(own traffic\)/);
    periods["eks:2.1.0"].push({ requests: 900, errors: 0 });
    const second = await gate.measure(canary, never);
    expect(second).to.deep.include({ verdict: "pass", conclusive: true });
  });

  it("fails a canary whose pods answer 5xx, at once and conclusively", async () => {
    const cloudwatch = fakeCloudWatch({ "eks:2.1.0": [{ requests: 100, errors: 30 }] });
    const gate = new CandidateTrafficGate(
      {},
      DEFAULT_SETTINGS.analysis,
      appMetricsTrafficSource(cloudwatch.get, () => Date.now()),
    );
    const verdict = await gate.measure(target(), never);
    expect(verdict).to.deep.include({ verdict: "fail", conclusive: true });
  });

  it("the canary phase adds the own-traffic gate only where the outputs name the app's metrics", () => {
    const gate = (name: string) => ({ name, measure: () => Promise.reject(new Error("unused")) });
    const suite = new StandardGateSuite({
      http: gate("http"),
      outputsVersion: gate("outputs"),
      candidateTraffic: gate("traffic"),
      rollout: gate("argo"),
    });
    const names = (t: GateTarget) => suite.gatesFor(t).map((g) => g.name);
    expect(canaryJudgedByOwnTraffic(target())).to.equal(true);
    expect(names(target())).to.deep.equal(["http", "traffic"]);
    const albOnly = target({
      outputs: outputs({
        trafficStats: {
          kind: "cloudwatch",
          loadBalancer: "app/x/1",
          targetGroups: { blue: "b", green: "g" },
        },
      }),
    });
    expect(canaryJudgedByOwnTraffic(albOnly)).to.equal(false);
    expect(names(albOnly)).to.deep.equal(["http"]);
    expect(canaryJudgedByOwnTraffic(target({ phase: "bake" }))).to.equal(false);
  });
});
