import { expect } from "chai";
import type { OutpostOutputs } from "../../infra/contract";
import type { AwsReadScope } from "../../automation/gates/adapters/aws/aws-gate-clients";
import { CandidateTrafficGate } from "../../automation/gates/candidate-traffic-gate";
import type {
  ColorTraffic,
  ColorTrafficSource,
  TrafficMark,
  TrafficQuery,
} from "../../automation/gates/color-traffic-source";
import {
  cloudWatchTrafficSource,
  colorMetricQueries,
  type GetMetricData,
  trafficFromResults,
} from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import {
  binomialUpperTail,
  judgeErrorRate,
  minimumSample,
} from "../../automation/gates/error-rate";
import type { GateTarget } from "../../automation/gates/gate";
import { haproxyTrafficSource } from "../../automation/gates/adapters/haproxy-traffic";
import type { ColorTrafficStats } from "../../infra/local/haproxy/traffic-figures";
import { DEFAULT_SETTINGS } from "../../automation/settings/driver-settings";

const outputs = (overrides: Partial<OutpostOutputs> = {}): OutpostOutputs => ({
  outpost: "nyc-dc1",
  endpoint: "https://nyc-dc1-alb.example.com",
  previewEndpoint: "https://nyc-dc1-alb.example.com:8443",
  serviceDomain: "shop.us.example.com",
  trafficStats: {
    kind: "cloudwatch",
    loadBalancer: "app/nyc-dc1-alb/50dc6c495c0c9188",
    targetGroups: {
      blue: "targetgroup/nyc-dc1-blue/73e2d6bc24d8a067",
      green: "targetgroup/nyc-dc1-green/943f017f100becff",
    },
  },
  activeColor: "blue",
  candidateWeight: 10,
  versions: { blue: "2.0.0", green: "2.1.0" },
  weights: { blue: 90, green: 10 },
  targetGroups: { blue: "arn:tg/blue", green: "arn:tg/green" },
  alarms: [],
  cluster: null,
  rollout: null,
  ...overrides,
});

const target = (overrides: Partial<GateTarget> = {}): GateTarget => ({
  stack: "us",
  outpost: "nyc-dc1",
  target: "aws",
  awsRegion: "us-east-1",
  outputs: outputs(),
  phase: "shift",
  release: "2.1.0",
  previousVersion: "2.0.0",
  candidateColor: "green",
  ...overrides,
});
const never = new AbortController().signal;

describe("gates: error-rate statistics", () => {
  it("needs 299 clean requests to pass a 1% limit at 95%: (1 - p)^n <= 1 - c", () => {
    expect(minimumSample(0.01, 0.95)).to.equal(299);
    expect(minimumSample(0.05, 0.95)).to.equal(59);
    expect(judgeErrorRate(0, 298, 0.01, 0.95).verdict).to.equal("pending");
    expect(judgeErrorRate(0, 299, 0.01, 0.95).verdict).to.equal("pass");
  });

  it("fails a 30% candidate within a dozen requests, whatever the minimum sample", () => {
    expect(judgeErrorRate(3, 10, 0.01, 0.95)).to.deep.include({ verdict: "fail", rate: 0.3 });
    // One error in ten is what a 1% candidate shows one time in ten: not conclusive.
    expect(judgeErrorRate(1, 10, 0.01, 0.95).verdict).to.equal("pending");
  });

  it("keeps a rate above the limit pending until the evidence settles it", () => {
    expect(judgeErrorRate(6, 400, 0.01, 0.95).verdict).to.equal("pending");
    expect(judgeErrorRate(60, 4000, 0.01, 0.95).verdict).to.equal("fail");
    expect(judgeErrorRate(2, 400, 0.01, 0.95).verdict).to.equal("pass");
  });

  it("computes exact binomial tails, also for large samples", () => {
    expect(binomialUpperTail(1, 10, 0.01)).to.be.closeTo(1 - 0.99 ** 10, 1e-12);
    expect(binomialUpperTail(0, 10, 0.5)).to.equal(1);
    expect(binomialUpperTail(11, 10, 0.5)).to.equal(0);
    expect(binomialUpperTail(5, 10, 0.5)).to.be.closeTo(0.623046875, 1e-12);
    expect(binomialUpperTail(1_200, 100_000, 0.01)).to.be.below(1e-8);
  });
});

/** Cumulative counters per color, like HAProxy's (or CloudWatch with slow counts); the test moves them. */
class CountingSource implements ColorTrafficSource {
  readonly counters = {
    blue: { requests: 0, errors: 0, slow: 0 },
    green: { requests: 0, errors: 0, slow: 0 },
  };
  responseTimeMs: number | undefined = 40;
  /** Counts slow requests when asked (CloudWatch's TC statistic); HAProxy cannot. */
  constructor(private readonly countsSlow = false) {}
  mark(_t: GateTarget, color: "blue" | "green") {
    return Promise.resolve({ at: 0, reading: { ...this.counters[color] } });
  }
  since(
    _t: GateTarget,
    color: "blue" | "green",
    mark: TrafficMark,
    _s: AbortSignal,
    query?: TrafficQuery,
  ) {
    const now = this.counters[color];
    const then = mark.reading as { requests: number; errors: number; slow: number };
    const traffic: ColorTraffic = {
      requests: now.requests - then.requests,
      errors: now.errors - then.errors,
      responseTimeMs: this.responseTimeMs,
      responseTimeStat: "average",
      ...(this.countsSlow && query?.slowerThanMs !== undefined
        ? { slow: now.slow - then.slow }
        : {}),
    };
    return Promise.resolve(traffic);
  }
}

/** mulberry32: a small seeded generator, so the simulated streams are the same every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One simulated step: `perLook` requests to the candidate between looks (its request rate
 * times the 10 s interval), each failing with probability `errorRate`, for at most `looks`
 * looks. Returns how the gate ended and on how many requests.
 */
async function stream(
  gate: CandidateTrafficGate,
  source: CountingSource,
  at: GateTarget,
  {
    errorRate,
    perLook,
    looks,
    seed,
  }: { errorRate: number; perLook: number; looks: number; seed: number },
) {
  const random = seeded(seed);
  await gate.begin(at, never);
  let last;
  for (let look = 0; look < looks; look++) {
    const green = source.counters.green;
    for (let i = 0; i < perLook; i++) {
      green.requests++;
      if (random() < errorRate) green.errors++;
    }
    source.counters.blue.requests += perLook * 9;
    last = await gate.measure(at, never);
    if (last.verdict !== "pending") break;
  }
  return { verdict: last!.verdict, requests: source.counters.green.requests, last: last! };
}

describe("gates: the candidate's own traffic, on evidence", () => {
  const settings = { ...DEFAULT_SETTINGS.analysis, maxErrorRate: 0.01, maxP99Ms: 500 };
  // A 10% shift on the local target: both colors take traffic.
  const local = target({
    target: "local",
    outputs: outputs({
      trafficStats: { kind: "haproxy", socket: "/run/lb.sock", backend: "storefront" },
    }),
  });
  const flipped = {
    ...local,
    outputs: { ...local.outputs, activeColor: "green" as const, candidateWeight: 0 },
  };

  it("judges the candidate's requests since the step began, not the stable color's", async () => {
    const source = new CountingSource();
    source.counters.green = { requests: 500, errors: 250, slow: 0 }; // an earlier, bad attempt
    source.counters.blue = { requests: 10_000, errors: 0, slow: 0 };
    const gate = new CandidateTrafficGate({ haproxy: source }, settings);
    await gate.begin(local, never);
    source.counters.green = { requests: 520, errors: 256, slow: 0 }; // 6 of 20 new requests failed
    source.counters.blue = { requests: 10_180, errors: 0, slow: 0 };
    const result = await gate.measure(local, never);
    expect(result).to.deep.include({ verdict: "fail", conclusive: true });
    expect(result.detail).to.match(/^green \(own traffic\): errors 6\/20 \(30\.00%, limit 1\.00%/);
    expect(result.detail).to.match(/vs stable: errors 6 to 0/);
    expect(result.figures?.map((f) => f.name)).to.deep.equal([
      "candidate requests",
      "error rate",
      "error evidence ratio",
      "worse-than-stable e-value",
      "green average response time",
    ]);
  });

  it("is pending below the fewest requests a pass needs, and says how many it has", async () => {
    const source = new CountingSource();
    const gate = new CandidateTrafficGate({ haproxy: source }, settings);
    await gate.begin(flipped, never);
    source.counters.green.requests = 300;
    const thin = await gate.measure(flipped, never);
    expect(thin.verdict).to.equal("pending");
    // 1% limit, 0.5% acceptable, α = 5%: ln(0.05) / ln(0.99 / 0.995) = 595 clean requests.
    expect(thin.detail).to.match(/; 300 of the candidate's requests, a pass needs at least 595$/);
    source.counters.green.requests = 595;
    expect(await gate.measure(flipped, never)).to.deep.include({
      verdict: "pass",
      conclusive: true,
    });
    // HAProxy has no slow counts: its response time is held to the limit apart.
    source.responseTimeMs = 900;
    source.counters.green.requests = 600;
    const slow = await gate.measure(flipped, never);
    expect(slow.verdict).to.equal("fail");
    expect(slow.detail).to.match(/average 900ms > 500ms$/);
  });

  it("judges latency as counts where the source has them (CloudWatch's trimmed count)", async () => {
    const source = new CountingSource(true);
    const gate = new CandidateTrafficGate({ haproxy: source }, settings);
    await gate.begin(flipped, never);
    source.counters.green = { requests: 400, errors: 0, slow: 30 }; // 7.5% slower than 500 ms
    const result = await gate.measure(flipped, never);
    expect(result).to.deep.include({ verdict: "fail", conclusive: true });
    expect(result.detail).to.match(/over 500 ms 30\/400 \(7\.50%, p99 limit 1\.00%/);
  });

  it("simulated streams, heavy traffic (100 req/s to the candidate): 0 passes at its first look, twice the limit fails fast", async () => {
    const runs = { clean: [] as number[], twice: [] as number[] };
    for (let seed = 1; seed <= 20; seed++) {
      const s1 = new CountingSource();
      const c = await stream(new CandidateTrafficGate({ haproxy: s1 }, settings), s1, flipped, {
        errorRate: 0,
        perLook: 1000,
        looks: 90,
        seed,
      });
      expect(c.verdict).to.equal("pass");
      runs.clean.push(c.requests);
      const s2 = new CountingSource();
      const t = await stream(new CandidateTrafficGate({ haproxy: s2 }, settings), s2, flipped, {
        errorRate: 0.02,
        perLook: 1000,
        looks: 90,
        seed,
      });
      expect(t.verdict).to.equal("fail");
      runs.twice.push(t.requests);
    }
    expect(Math.max(...runs.clean)).to.equal(1000); // the first look: 10 s
    expect(Math.max(...runs.twice)).to.be.at.most(3000); // within 30 s
  });

  it("simulated streams at the limit (1%): passes at most α = 5% of them, plus sampling slack", async () => {
    let passed = 0;
    const streams = 300;
    for (let seed = 1; seed <= streams; seed++) {
      const source = new CountingSource();
      const end = await stream(
        new CandidateTrafficGate({ haproxy: source }, settings),
        source,
        flipped,
        {
          errorRate: 0.01,
          perLook: 100,
          looks: 90,
          seed,
        },
      );
      if (end.verdict === "pass") passed++;
    }
    // 5% of 300 is 15; three standard deviations of a binomial(300, 0.05) is 11.
    expect(passed).to.be.at.most(26);
  });

  it("thin traffic (1 req/s at a 10% weight): no decision in 90 looks, it says how much evidence it had", async () => {
    const source = new CountingSource();
    const end = await stream(
      new CandidateTrafficGate({ haproxy: source }, settings),
      source,
      local,
      {
        errorRate: 0,
        perLook: 1,
        looks: 90,
        seed: 7,
      },
    );
    expect(end.verdict).to.equal("pending");
    expect(end.last.detail).to.match(/90 of the candidate's requests, a pass needs at least 595$/);
  });

  it("a candidate far worse than the stable color fails on the comparison before its own limit", async () => {
    // Under a 5% limit the candidate's 0.5% would pass, but it is 5x the stable color's 0.1%,
    // past the tolerance (maxRatioToStable 2): the comparison fails it.
    const source = new CountingSource();
    const gate = new CandidateTrafficGate({ haproxy: source }, { ...settings, maxErrorRate: 0.05 });
    await gate.begin(local, never);
    source.counters.blue = { requests: 45_000, errors: 45, slow: 0 }; // 0.1%
    source.counters.green = { requests: 5000, errors: 25, slow: 0 }; // 0.5%: 5x stable, under 5%
    const result = await gate.measure(local, never);
    expect(result).to.deep.include({ verdict: "fail", conclusive: true });
    expect(result.detail).to.match(/vs stable: errors 25 to 45/);
  });

  it("has nothing to judge before the candidate takes production traffic", async () => {
    const gate = new CandidateTrafficGate({}, settings);
    const idle = target({ outputs: outputs({ candidateWeight: 0 }) });
    expect(await gate.measure(idle, never)).to.deep.include({ verdict: "pass" });
  });
});

describe("gates: CloudWatch per-target-group traffic", () => {
  it("queries RequestCount, target 5xx and p99 by the color's target group and the ALB", () => {
    const queries = colorMetricQueries(target(), "green");
    expect(
      queries.map((q) => [q.Id, q.MetricStat.Metric.MetricName, q.MetricStat.Stat]),
    ).to.deep.equal([
      ["requests", "RequestCount", "Sum"],
      ["errors", "HTTPCode_Target_5XX_Count", "Sum"],
      ["latency", "TargetResponseTime", "p99"],
    ]);
    expect(queries[0].MetricStat.Metric.Dimensions).to.deep.equal([
      { Name: "TargetGroup", Value: "targetgroup/nyc-dc1-green/943f017f100becff" },
      { Name: "LoadBalancer", Value: "app/nyc-dc1-alb/50dc6c495c0c9188" },
    ]);
    expect(queries[0].MetricStat.Period).to.equal(60);
  });

  it("counts the requests slower than the latency limit as TargetResponseTime's trimmed count", () => {
    const queries = colorMetricQueries(target(), "green", { slowerThanMs: 500 });
    expect(queries.map((q) => [q.Id, q.MetricStat.Stat])).to.deep.include(["slow", "TC(0.5:4000)"]);
    expect(
      trafficFromResults([
        { Id: "requests", Values: [120, 80] },
        { Id: "errors", Values: [0, 0] },
        { Id: "slow", Values: [1, 2] },
      ]),
    ).to.deep.include({ requests: 200, slow: 3 });
  });

  it("sums the window's minutes and takes the worst minute's p99, in ms", () => {
    expect(
      trafficFromResults([
        { Id: "requests", Values: [120, 80] },
        { Id: "errors", Values: [3, 1] },
        { Id: "latency", Values: [0.12, 0.31] },
      ]),
    ).to.deep.equal({ requests: 200, errors: 4, responseTimeMs: 310, responseTimeStat: "p99" });
  });

  it("reads from the minute the step began until now, for the stack in its region", async () => {
    const calls: { scope: AwsReadScope; start: number; end: number }[] = [];
    const getMetricData: GetMetricData = (scope, input) => {
      calls.push({ scope, start: input.StartTime.getTime(), end: input.EndTime.getTime() });
      return Promise.resolve([{ Id: "requests", Values: [10] }]);
    };
    let now = Date.UTC(2026, 11, 1, 10, 7, 42);
    const source = cloudWatchTrafficSource(getMetricData, () => now);
    const mark = await source.mark(target(), "green", never);
    now += 90_000;
    expect((await source.since(target(), "green", mark, never)).requests).to.equal(10);
    expect(calls).to.deep.equal([
      {
        scope: { stack: "us", region: "us-east-1" },
        start: Date.UTC(2026, 11, 1, 10, 7, 0),
        end: now,
      },
    ]);
  });
});

describe("gates: HAProxy per-server traffic (local target)", () => {
  const figures = (requests: number, responses5xx: number, meanResponseMs = 12) => ({
    requests,
    responses5xx,
    connectionErrors: 0,
    responseErrors: 1,
    meanResponseMs,
    meanTotalMs: meanResponseMs,
    maxResponseMs: 80,
    servers: 2,
  });
  const reading = (counters: string, green: number, green5xx: number): ColorTrafficStats => ({
    backend: "storefront",
    counters,
    readAt: 1_000,
    colors: { blue: figures(5_000, 0), green: figures(green, green5xx) },
    backendTotal: figures(5_000 + green, green5xx),
  });
  const local = target({
    target: "local",
    outputs: outputs({
      trafficStats: { kind: "haproxy", socket: "/run/nyc.sock", backend: "storefront" },
      targetGroups: {
        blue: "storefront/blue-1,storefront/blue-2",
        green: "storefront/green-1,storefront/green-2",
      },
    }),
  });

  it("reads the color's servers from the outputs and subtracts two reads of their counters", async () => {
    const reads = [reading("101@1", 200, 10), reading("101@1", 260, 28)];
    const asked: unknown[] = [];
    const source = haproxyTrafficSource((socket, backend, servers) => {
      asked.push({ socket, backend, servers });
      return Promise.resolve(reads.shift()!);
    });
    const mark = await source.mark(local, "green", never);
    expect(await source.since(local, "green", mark, never)).to.deep.equal({
      requests: 60,
      errors: 18, // 5xx only: the broken response counted before and after cancels out
      responseTimeMs: 12,
      responseTimeStat: "average",
    });
    expect(asked[0]).to.deep.equal({
      socket: "/run/nyc.sock",
      backend: "storefront",
      servers: {
        blue: ["storefront/blue-1", "storefront/blue-2"],
        green: ["storefront/green-1", "storefront/green-2"],
      },
    });
  });

  it("after a reload the counters restart: the window covers the time since", async () => {
    const reads = [reading("101@1", 900, 0), reading("202@9", 40, 12)];
    const source = haproxyTrafficSource(() => Promise.resolve(reads.shift()!));
    const mark = await source.mark(local, "green", never);
    expect(await source.since(local, "green", mark, never)).to.include({
      requests: 40,
      errors: 13,
    });
  });
});
