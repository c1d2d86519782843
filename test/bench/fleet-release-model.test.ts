import { expect } from "chai";
import { cloudWatchTrafficSource } from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import type { GateTarget } from "../../automation/gates/gate";
import { AwsApiLimits } from "../../bench/lib/aws-api-quotas";
import { STEP_TIMES, type StackModel, type StepTimes } from "../../bench/lib/aws-step-times";
import { EventClock } from "../../bench/lib/event-clock";
import { runFleetRelease } from "../../bench/lib/fleet-release-run";
import { OutpostWorld } from "../../bench/lib/outpost-world";
import { simulatedGetMetricData } from "../../bench/lib/simulated-cloudwatch";
import { SimulatedArgo } from "../../bench/lib/simulated-argo";
import { loadBalancerDimension, targetGroupDimension } from "../../bench/lib/simulated-names";
import { TokenBucket } from "../../bench/lib/token-bucket";

const MINUTE = 60_000;

describe("bench: the fleet-release model", () => {
  it("the event clock ends concurrent sleeps of different lengths at their own instants", async () => {
    const clock = new EventClock(0);
    const ends: [string, number][] = [];
    const sleeper = async (name: string, ms: number[]) => {
      for (const m of ms) await clock.sleep(m);
      ends.push([name, clock.now()]);
    };
    const aborted = new AbortController();
    const cancelled = clock.sleep(1_000, aborted.signal).catch(() => "cancelled");
    aborted.abort(new Error("stop"));
    await Promise.all([sleeper("long", [240_000]), sleeper("short", [5_000, 5_000])]);
    expect(await cancelled).to.equal("cancelled");
    expect(ends).to.deep.equal([
      ["short", 10_000],
      ["long", 240_000],
    ]);
  });

  it("a token bucket lets a burst through, then one call per refill, in arrival order", async () => {
    const clock = new EventClock(0);
    const bucket = new TokenBucket(clock, { capacity: 2, perSecond: 1 });
    const granted: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        await bucket.take();
        granted.push(clock.now());
      }),
    );
    expect(granted).to.deep.equal([0, 0, 1_000, 2_000]);
    expect(bucket.usage()).to.deep.equal({ calls: 4, waitedMs: 3_000 });
    // Idle for 10 s: the bucket is full again (a burst of 2), never fuller.
    await clock.sleep(10_000);
    const later: number[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        await bucket.take();
        later.push(clock.now());
      }),
    );
    expect(later).to.deep.equal([12_000, 12_000, 13_000]);
  });

  it("buckets are per API, account and Region", async () => {
    const clock = new EventClock(0);
    const limits = new AwsApiLimits(clock, {
      "elb:Describe": { capacity: 1, perSecond: 1 },
      autoscaling: { capacity: 1, perSecond: 1 },
      "cloudwatch:GetMetricData": { capacity: 1, perSecond: 1 },
      "cloudwatch:DescribeAlarms": { capacity: 1, perSecond: 1 },
    });
    const us = { account: "111122223333", region: "us-east-1" };
    await Promise.all([
      limits.take("elb:Describe", us),
      limits.take("elb:Describe", { ...us, region: "eu-west-1" }),
      limits.take("autoscaling", us),
    ]);
    expect(clock.now()).to.equal(0);
    await limits.take("elb:Describe", us);
    expect(clock.now()).to.equal(1_000);
    expect(limits.usage()["elb:Describe"]).to.deep.equal({ calls: 3, waitedMs: 1_000 });
  });

  it("the traffic source sees a color's requests by the weights, in whole periods, after the delay", async () => {
    const clock = new EventClock(0);
    const times: StepTimes = { ...STEP_TIMES, requestsPerSecond: 100, metricDelayS: 120 };
    const world = new OutpostWorld(clock, times, (version) => (version === "2.1.0" ? 0.02 : 0));
    const model = { healthyAfterS: 20, desiredInstances: {} } as unknown as StackModel;
    world.add(
      "us",
      "nyc",
      {
        blueVersion: "2.0.0",
        greenVersion: "2.1.0",
        activeColor: "blue",
        candidateWeight: 0,
        idleWarm: true,
        rolloutVersion: "2.0.0",
      },
      { account: "111122223333", region: "us-east-1" },
      model,
    );
    const source = cloudWatchTrafficSource(
      simulatedGetMetricData(
        world,
        new AwsApiLimits(clock),
        clock,
        new SimulatedArgo(world, clock, times),
      ),
      () => clock.now(),
    );
    const target = {
      stack: "us",
      outpost: "nyc",
      awsRegion: "us-east-1",
      outputs: {
        trafficStats: {
          kind: "cloudwatch",
          loadBalancer: loadBalancerDimension("us", "nyc"),
          targetGroups: {
            blue: targetGroupDimension("us", "nyc", "blue"),
            green: targetGroupDimension("us", "nyc", "green"),
          },
        },
      },
    } as unknown as GateTarget;
    // 10% to green from 0:30, the flip at 1:30.
    await clock.sleep(30_000);
    world.setWeights("us", "nyc", { blue: 90, green: 10 });
    const mark = await source.mark(target, "green", new AbortController().signal);
    await clock.sleep(MINUTE);
    world.setWeights("us", "nyc", { blue: 0, green: 100 });
    const since = () => source.since(target, "green", mark, new AbortController().signal);
    // A minute's datapoint is readable 2 minutes after it ends: at 2:59, nothing yet.
    await clock.sleep(89_000);
    expect((await since()).requests).to.equal(0);
    // At 3:00 minute 0 is: 30 s at 10% of 100 req/s = 300 requests, 2% of them 5xx.
    await clock.sleep(1_000);
    expect(await since()).to.deep.equal({
      requests: 300,
      errors: 6,
      responseTimeMs: STEP_TIMES.appLatencyMs.p99,
      responseTimeStat: "p99",
    });
    // At 4:00 minute 1 too: 30 s at 10% and 30 s at 100% = 300 + 3000 more.
    await clock.sleep(MINUTE);
    expect((await since()).requests).to.equal(3_600);
  });

  it("one Outpost end to end: the shipped settings and stack, the exact seconds of every step", async () => {
    // The shipped driver.yaml and Pulumi.us.yaml cut to its first Outpost, no staging stack,
    // and a model without network, app or engine time, with no metric delay, so every second
    // below is the model's own arithmetic:
    //   prestage 222.6 s: instances InService at 220 s; the provider's capacity polls back off
    //     100 ms doubling to 10 s, so they run at 0, 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 22.6 ...
    //     212.6, 222.6 s: the first after 220 s;
    //   verify 50 s: the preview probe sends 100 requests a check, 10 s apart; the sequential
    //     test's minimum sample (595 requests with the shipped confidence and limits) is there
    //     at the sixth check (50 s); healthy targets (InService + 10 s x 2 checks) come earlier;
    //   flip 25 s: the listener change (5 s), then the candidate's own figures in the app's
    //     10 s periods: 100 req/s fill the minimum sample within the first whole period, read at
    //     the driver's next check;
    //   eks-canary 140 s: setCanaryScale 100 starts every canary pod at once (25 s); setWeight
    //     10 moves the Ingress weights (5 s); the shipped pauses end on evidence (pause: {}):
    //     the first when the canary pods' 10 req/s (10% of 100) have filled the minimum sample,
    //     six whole 10 s periods, read at the driver's next check (70 s); setWeight 50 (5 s); the
    //     second in two periods at 50 req/s, read at the next check (25 s); setWeight 100 (5 s),
    //     Healthy at the driver's next 10 s poll (5 s);
    //   bake 120 s: two alarm periods of 60 s (analysis.evidence.floorAlarmPeriods), beside the
    //     canary when waves are pipelined; sync-stack 5 s (the stack-wide resources);
    //   finalize 125 s: scaleDownDelaySeconds 120, then the old color's scale-down, 5 s.
    const times: StepTimes = {
      ...STEP_TIMES,
      metricDelayS: 0,
      appMetricDelayS: 0,
      engineBaseMs: 0,
      enginePerOutpostMs: 0,
      roundTripMs: {},
      appLatencyMs: { p50: 0, p95: 0, p99: 0 },
    };
    const release = (pipelineWaves?: boolean) =>
      runFleetRelease({
        outposts: 1,
        productionStacks: ["us"],
        stagingStacks: [],
        times,
        ...(pipelineWaves === undefined ? {} : { pipelineWaves }),
      });
    // Shipped: waves in a pipeline, so the bake runs beside the longer EKS canary and costs
    // the release nothing; the deploy ends at release-deployed, finalize follows.
    const run = await release();
    expect(run.byStepKind).to.deep.equal({
      preflight: 0,
      engine: 0,
      prestage: 222.6,
      verify: 50,
      flip: 25,
      "eks-canary": 140,
      "sync-stack": 5,
    });
    expect(run.totalSeconds).to.equal(442.6);
    expect(run.finalizeSeconds).to.equal(125);
    expect(run.waves.map((w) => w.name)).to.deep.equal(["preflight", "prestage", "us"]);
    expect(run.waves[2].seconds).to.be.closeTo(50 + 25 + 140 + 5, 1e-9);
    // --pipeline-waves off: every step after the one before.
    const strict = await release(false);
    expect(strict.byStepKind).to.deep.equal({
      preflight: 0,
      engine: 0,
      prestage: 222.6,
      verify: 50,
      flip: 25,
      "eks-canary": 140,
      bake: 120,
      "sync-stack": 5,
    });
    expect(strict.totalSeconds).to.equal(562.6);
    expect(strict.finalizeSeconds).to.equal(125);
    expect(strict.waves[2].seconds).to.be.closeTo(50 + 25 + 140 + 120 + 5, 1e-9);
  });
});
