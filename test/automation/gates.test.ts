import { expect } from "chai";
import type { OutpostOutputs } from "../../infra/contract";
import { measureOnce, runAnalysis } from "../../automation/gates/analysis";
import { CloudWatchAlarmGate } from "../../automation/gates/cloudwatch-alarm-gate";
import {
  ElbTargetHealthGate,
  type TargetHealth,
} from "../../automation/gates/elb-target-health-gate";
import type { Gate, GateTarget, Measurement, Verdict } from "../../automation/gates/gate";
import type {
  HttpExchange,
  HttpExchangeResponse,
  HttpRequest,
} from "../../automation/gates/adapters/http-exchange";
import { baseUrl, HttpProbeGate, percentile } from "../../automation/gates/http-probe-gate";
import { rolloutStatusOf } from "../../automation/rollouts/kubernetes-rollout-controller";
import { StandardGateSuite } from "../../automation/gates/standard-gate-suite";
import { DEFAULT_SETTINGS } from "../../automation/settings/driver-settings";
import { VirtualClock } from "../../automation/support/clock";

const outputs = (overrides: Partial<OutpostOutputs> = {}): OutpostOutputs => ({
  outpost: "nyc-dc1",
  endpoint: "nyc-dc1-alb.example.com",
  previewEndpoint: "https://nyc-dc1-alb.example.com:8443",
  serviceDomain: "shop.us.example.com",
  trafficStats: {
    kind: "cloudwatch",
    loadBalancer: "app/nyc-dc1-alb/0123456789abcdef",
    targetGroups: { blue: "targetgroup/blue/01", green: "targetgroup/green/02" },
  },
  activeColor: "green",
  candidateWeight: 0,
  versions: { blue: "2.0.0", green: "2.1.0" },
  weights: { blue: 0, green: 999 },
  targetGroups: { blue: "arn:tg/blue", green: "arn:tg/green" },
  alarms: ["nyc-5xx"],
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
  phase: "bake",
  release: "2.1.0",
  previousVersion: "2.0.0",
  candidateColor: "green",
  ...overrides,
});

const analysis = {
  ...DEFAULT_SETTINGS.analysis,
  requestsPerCheck: 4,
  maxErrorRate: 0.1,
  maxP99Ms: 300,
};
const never = new AbortController().signal;

/** Answers GET by path; `version` and `latencyMs` can change between calls. */
class FakeHttp implements HttpExchange {
  readonly urls: string[] = [];
  readonly requests: HttpRequest[] = [];
  version = "2.1.0";
  latencyMs = 20;
  status = 200;
  /** When set, the status of each /version answer, in order. */
  statusFor?: () => number;
  hang = false;
  send(request: HttpRequest, signal: AbortSignal): Promise<HttpExchangeResponse> {
    const url = request.url;
    this.requests.push(request);
    this.urls.push(url);
    if (this.hang)
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    const body = url.endsWith("/version")
      ? JSON.stringify({ version: this.version, color: "green" })
      : "ok";
    return Promise.resolve({
      status: url.endsWith("/version") ? (this.statusFor?.() ?? this.status) : 200,
      headers: { "content-type": "application/json" },
      body,
      latencyMs: this.latencyMs,
    });
  }
}

describe("gates: HTTP probe", () => {
  it("probes /health, /ready and /version on the production endpoint after a change", async () => {
    const http = new FakeHttp();
    const result = await new HttpProbeGate(http, analysis).measure(target(), never);
    expect(result.verdict).to.equal("pass");
    expect(http.urls.slice(0, 3)).to.deep.equal([
      "http://nyc-dc1-alb.example.com/health",
      "http://nyc-dc1-alb.example.com/ready",
      "http://nyc-dc1-alb.example.com/version",
    ]);
    // Every probe is a GET that asks for JSON, naming the service's domain to the ALB.
    expect(
      new Set(http.requests.map((r) => `${r.method} ${JSON.stringify(r.headers)} ${r.serverName}`)),
    ).to.deep.equal(new Set(['GET {"accept":"application/json"} shop.us.example.com']));
  });

  it("fails when /version is not the release after the flip, accepts both while split", async () => {
    const http = new FakeHttp();
    http.version = "2.0.0";
    const gate = new HttpProbeGate(http, analysis);
    const after = await gate.measure(target(), never);
    expect(after).to.deep.include({ verdict: "fail" });
    expect(after.detail).to.contain("reported 2.0.0, expected 2.1.0");
    const split = await gate.measure(
      target({ outputs: outputs({ activeColor: "blue", candidateWeight: 10 }) }),
      never,
    );
    expect(split.verdict).to.equal("pass");
  });

  it("verify tests the candidate on the preview path, before it takes production traffic", async () => {
    const http = new FakeHttp();
    const gate = new HttpProbeGate(http, { ...analysis, previewRequestsPerCheck: 600 });
    const verify = target({
      phase: "verify",
      outputs: outputs({ activeColor: "blue", candidateWeight: 0 }),
    });
    await gate.begin(verify);
    const first = await gate.measure(verify, never);
    expect(
      http.urls.every((url) => url.startsWith("https://nyc-dc1-alb.example.com:8443/")),
    ).to.equal(true);
    expect(http.urls.filter((url) => url.endsWith("/version"))).to.have.length(600);
    // The latency test (p99: at most 1% slower than 300 ms, acceptable 0.5%) needs 595 clean
    // answers at α = 5%; the 10% error limit alone would need 56. A pass is conclusive.
    expect(first).to.deep.include({ verdict: "pass", conclusive: true });
    const thin = new HttpProbeGate(http, { ...analysis, previewRequestsPerCheck: 30 });
    await thin.begin(verify);
    const pendingOne = await thin.measure(verify, never);
    expect(pendingOne.verdict).to.equal("pending");
    expect(pendingOne.detail).to.match(/30 requests, a pass needs at least 595$/);
    // The sample grows over the step: 20 checks of 30 reach it.
    for (let i = 1; i < 19; i++) await thin.measure(verify, never);
    expect((await thin.measure(verify, never)).verdict).to.equal("pass");
  });

  it("verify fails a candidate that fails 30% of its requests within one check", async () => {
    const http = new FakeHttp();
    let n = 0;
    http.statusFor = () => (n++ % 10 < 3 ? 500 : 200);
    const gate = new HttpProbeGate(http, {
      ...analysis,
      previewRequestsPerCheck: 40,
      maxErrorRate: 0.01,
    });
    const verify = target({ phase: "verify", outputs: outputs({ activeColor: "blue" }) });
    await gate.begin(verify);
    const result = await gate.measure(verify, never);
    expect(result).to.deep.include({ verdict: "fail", conclusive: true });
    expect(result.detail).to.match(/^preview .*: errors 12\/40 \(30\.00%, limit 1\.00%.*: fail/);
    expect(result.figures?.find((f) => f.name === "error rate")).to.deep.include({
      value: 30,
      threshold: 1,
    });
  });

  it("verify fails a candidate slower than the p99 limit on its slow answers, as counts", async () => {
    const http = new FakeHttp();
    http.latencyMs = 450;
    const gate = new HttpProbeGate(http, { ...analysis, previewRequestsPerCheck: 40 });
    const verify = target({ phase: "verify", outputs: outputs({ activeColor: "blue" }) });
    await gate.begin(verify);
    const result = await gate.measure(verify, never);
    expect(result).to.deep.include({ verdict: "fail", conclusive: true });
    expect(result.detail).to.match(/over 300 ms 40\/40 \(100\.00%, p99 limit 1\.00%/);
  });

  it("probes the Rollout's Ingress during the EKS canary, pending until it has an address", async () => {
    const http = new FakeHttp();
    const gate = new HttpProbeGate(http, analysis);
    const rollout = {
      name: "storefront",
      namespace: "storefront",
      version: "2.1.0",
      stableService: "storefront-stable",
      canaryService: "storefront-canary",
      ingressEndpoint: null,
    };
    const canary = target({ phase: "canary", outputs: outputs({ cluster: "c", rollout }) });
    expect((await gate.measure(canary, never)).verdict).to.equal("pending");
    const ready = target({
      phase: "canary",
      outputs: outputs({
        cluster: "c",
        rollout: { ...rollout, ingressEndpoint: "https://k8s-ingress.example.com" },
      }),
    });
    http.version = "2.0.0"; // stable pods still answer during the canary
    const stableOnly = await gate.measure(ready, never);
    expect(http.urls.at(-1)).to.equal("https://k8s-ingress.example.com/version");
    // The stable version's answers are not the canary's evidence: nothing counted yet.
    expect(stableOnly.verdict).to.equal("pending");
    expect(stableOnly.detail).to.match(/errors 0\/0 .*; 0 requests, a pass needs at least 595$/);
    // The canary's own answers are (previewRequestsPerCheck per check, 100 by default).
    http.version = "2.1.0";
    const verdicts: string[] = [];
    for (let i = 0; i < 6; i++) verdicts.push((await gate.measure(ready, never)).verdict);
    expect(verdicts).to.deep.equal(["pending", "pending", "pending", "pending", "pending", "pass"]);
    // A canary that fails 30% of its answers fails conclusively, within one check.
    const bad = new FakeHttp();
    let n = 0;
    bad.statusFor = () => (n++ % 10 < 3 ? 500 : 200);
    const judged = new HttpProbeGate(bad, { ...analysis, maxErrorRate: 0.01 });
    await judged.begin(ready);
    expect(await judged.measure(ready, never)).to.deep.include({
      verdict: "fail",
      conclusive: true,
    });
  });

  it("reports an unreachable endpoint as an error, and a hanging probe times out", async () => {
    const http = new FakeHttp();
    http.hang = true;
    const gate = new HttpProbeGate(http, analysis);
    const result = await measureOnce(
      gate,
      target(),
      { probeTimeoutSeconds: 5 },
      new VirtualClock(),
    );
    expect(result).to.deep.equal({ verdict: "error", detail: "timed out after 5000ms" });
  });

  it("normalizes endpoints and computes percentiles", () => {
    expect(baseUrl("alb.example.com")).to.equal("http://alb.example.com");
    expect(baseUrl("https://alb.example.com/")).to.equal("https://alb.example.com");
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 99)).to.equal(100);
    expect(percentile([5], 99)).to.equal(5);
  });
});

/** A gate that answers from a script, one verdict per measurement (the last one repeats). */
const scripted = (verdicts: Verdict[], name = "scripted"): Gate & { count: number } => {
  const gate = {
    name,
    count: 0,
    measure: (): Promise<Measurement> => {
      const verdict = verdicts[Math.min(gate.count++, verdicts.length - 1)];
      return Promise.resolve({ verdict, detail: verdict });
    },
  };
  return gate;
};

describe("gates: analysis (Argo-style limits)", () => {
  const policy = {
    ...analysis,
    consecutiveSuccesses: 3,
    failureLimit: 1,
    consecutiveErrorLimit: 2,
    intervalSeconds: 10,
  };

  it("until-healthy passes after N passes in a row; pending and errors reset the run", async () => {
    const gate = scripted(["pending", "pass", "error", "pass", "pass", "pass"]);
    const result = await runAnalysis(
      [gate],
      target(),
      { kind: "until-healthy", ms: 600_000 },
      policy,
      new VirtualClock(),
    );
    expect(result).to.deep.equal({
      ok: true,
      measurements: 6,
      gates: [{ gate: "scripted", verdict: "pass", detail: "pass", figures: [] }],
    });
  });

  it("fails once failures exceed the failure limit", async () => {
    const gate = scripted(["pass", "fail", "pass", "fail"]);
    const result = await runAnalysis(
      [gate],
      target(),
      { kind: "for-duration", ms: 300_000 },
      policy,
      new VirtualClock(),
    );
    expect(result).to.deep.include({ ok: false, gate: "scripted" });
    expect(gate.count).to.equal(4);
  });

  it("fails on too many errors in a row", async () => {
    const result = await runAnalysis(
      [scripted(["error"])],
      target(),
      { kind: "for-duration", ms: 300_000 },
      policy,
      new VirtualClock(),
    );
    expect(result).to.deep.include({ ok: false, reason: "3 errors in a row, limit 2: error" });
  });

  it("until-healthy fails at its deadline while a gate is still pending", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const result = await runAnalysis(
      [scripted(["pending"])],
      target(),
      { kind: "until-healthy", ms: 60_000 },
      policy,
      clock,
    );
    expect(result).to.deep.include({ ok: false, gate: "scripted" });
    expect(clock.now() - start).to.equal(60_000);
  });

  it("a conclusive fail ends the analysis at once, whatever the failure limit", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const evidence: Gate = {
      name: "evidence",
      measure: () =>
        Promise.resolve({
          verdict: "fail",
          detail: "shown worse than the limit",
          conclusive: true,
        }),
    };
    const result = await runAnalysis(
      [evidence, scripted(["pass"])],
      target(),
      { kind: "until-healthy", ms: 600_000 },
      { ...policy, failureLimit: 5 },
      clock,
    );
    expect(result).to.deep.include({
      ok: false,
      gate: "evidence",
      reason: "shown worse than the limit",
    });
    expect(clock.now() - start).to.equal(0);
  });

  it("a conclusive pass stands for the passes in a row; it still waits out every floor", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const evidence: Gate = {
      name: "evidence",
      measure: () => Promise.resolve({ verdict: "pass", detail: "shown", conclusive: true }),
    };
    const quick = await runAnalysis(
      [evidence],
      target(),
      { kind: "until-healthy", ms: 600_000 },
      policy,
      clock,
    );
    expect(quick).to.deep.include({ ok: true, measurements: 1 });
    expect(clock.now() - start).to.equal(0);
    // The bake's own floor, and a floor a gate reports (two alarm periods): the larger holds.
    const alarms: Gate = {
      name: "alarms",
      measure: () => Promise.resolve({ verdict: "pass", detail: "ok", floorMs: 120_000 }),
    };
    const held = clock.now();
    const floored = await runAnalysis(
      [evidence, alarms],
      target(),
      { kind: "until-healthy", ms: 600_000, floorMs: 30_000 },
      policy,
      clock,
    );
    expect(floored).to.deep.include({ ok: true, measurements: 13 });
    expect(clock.now() - held).to.equal(120_000);
  });

  it("fails closed at the timeout while the evidence is pending, and says how much it had", async () => {
    const clock = new VirtualClock();
    const thin: Gate = {
      name: "candidate-traffic",
      measure: () =>
        Promise.resolve({
          verdict: "pending",
          detail: "60 of the candidate's requests, a pass needs at least 595",
        }),
    };
    const result = await runAnalysis(
      [thin],
      target(),
      { kind: "until-healthy", ms: 600_000, floorMs: 120_000 },
      policy,
      clock,
    );
    expect(result).to.deep.include({
      ok: false,
      gate: "candidate-traffic",
      reason:
        "too little evidence after 600s (fails closed): 60 of the candidate's requests, a pass needs at least 595",
    });
  });

  it("an abort stops an analysis in flight", async () => {
    const controller = new AbortController();
    const clock = new VirtualClock();
    const gate: Gate = {
      name: "slow",
      measure: () => {
        controller.abort(new Error("stop the line"));
        return Promise.resolve({ verdict: "pending", detail: "waiting" });
      },
    };
    let thrown: unknown;
    await runAnalysis(
      [gate],
      target(),
      { kind: "until-healthy", ms: 600_000 },
      policy,
      clock,
      controller.signal,
    ).catch((err: unknown) => (thrown = err));
    expect((thrown as Error).message).to.equal("stop the line");
  });

  it("for-duration bakes for the whole duration, measuring every interval", async () => {
    const clock = new VirtualClock();
    const gate = scripted(["pass"]);
    const start = clock.now();
    expect(
      await runAnalysis([gate], target(), { kind: "for-duration", ms: 60_000 }, policy, clock),
    ).to.deep.include({ ok: true, measurements: 7 });
    expect(clock.now() - start).to.equal(60_000);
  });
});

describe("gates: ELB target health, CloudWatch alarms, Argo Rollout", () => {
  const reader = (byArn: Record<string, TargetHealth[]>) => ({
    describe: (_scope: unknown, arn: string) => Promise.resolve(byArn[arn] ?? []),
  });

  it("ELB: checks the candidate before traffic, both while split, the active after", async () => {
    const healthy = [{ id: "i-1:8080", state: "healthy" }];
    const gate = new ElbTargetHealthGate(
      reader({
        "arn:tg/green": healthy,
        "arn:tg/blue": [
          { id: "i-9:8080", state: "unhealthy", reason: "Target.FailedHealthChecks" },
        ],
      }),
    );
    expect((await gate.measure(target({ phase: "verify" }), never)).verdict).to.equal("pass");
    expect(
      await gate.measure(
        target({ phase: "shift", outputs: outputs({ candidateWeight: 50 }) }),
        never,
      ),
    ).to.deep.equal({
      verdict: "fail",
      detail: "blue: 1/1 targets unhealthy (i-9:8080: Target.FailedHealthChecks)",
    });
    const registering = new ElbTargetHealthGate(
      reader({ "arn:tg/green": [{ id: "i-1:8080", state: "initial" }] }),
    );
    expect((await registering.measure(target({ phase: "verify" }), never)).verdict).to.equal(
      "pending",
    );
  });

  it("ELB and CloudWatch read for the target's stack, in its region", async () => {
    const scopes: unknown[] = [];
    const elb = new ElbTargetHealthGate({
      describe: (scope) => {
        scopes.push(scope);
        return Promise.resolve([{ id: "i-1:8080", state: "healthy" }]);
      },
    });
    const alarms = new CloudWatchAlarmGate({
      describe: (scope) => {
        scopes.push(scope);
        return Promise.resolve([{ name: "nyc-5xx", state: "OK" }]);
      },
    });
    const eu = target({ stack: "eu", awsRegion: "eu-west-1", phase: "verify" });
    await elb.measure(eu, never);
    await alarms.measure(eu, never);
    expect(scopes).to.deep.equal([
      { stack: "eu", region: "eu-west-1" },
      { stack: "eu", region: "eu-west-1" },
    ]);
  });

  it("CloudWatch: an alarm in ALARM fails; a missing alarm is an error", async () => {
    const states = (state: string) => ({
      describe: () => Promise.resolve([{ name: "nyc-5xx", state, reason: "5xx > 10" }]),
    });
    expect((await new CloudWatchAlarmGate(states("OK")).measure(target(), never)).verdict).to.equal(
      "pass",
    );
    expect(
      (await new CloudWatchAlarmGate(states("ALARM")).measure(target(), never)).detail,
    ).to.equal("in ALARM: nyc-5xx (5xx > 10)");
    const none = { describe: () => Promise.resolve([]) };
    expect((await new CloudWatchAlarmGate(none).measure(target(), never)).verdict).to.equal(
      "error",
    );
  });

  it("CloudWatch: holds the bake for two of its alarms' longest period", async () => {
    const gate = new CloudWatchAlarmGate(
      {
        describe: () =>
          Promise.resolve([
            { name: "nyc-5xx", state: "OK", periodSeconds: 60 },
            { name: "nyc-cpu", state: "OK", periodSeconds: 300 },
          ]),
      },
      2,
    );
    const result = await gate.measure(
      target({ outputs: outputs({ alarms: ["nyc-5xx", "nyc-cpu"] }) }),
      never,
    );
    expect(result).to.deep.include({
      verdict: "pass",
      floorMs: 600_000,
      detail: "2 alarm(s) not firing, held 600s (2 x 300s period)",
    });
    const unheld = await new CloudWatchAlarmGate(
      { describe: () => Promise.resolve([{ name: "nyc-5xx", state: "OK", periodSeconds: 60 }]) },
      0,
    ).measure(target(), never);
    expect(unheld.floorMs).to.equal(undefined);
  });

  it("Argo: reads phase, abort and an indefinite pause from the Rollout object", () => {
    const steps = [
      { setWeight: 10 },
      { pause: {} },
      { setWeight: 50 },
      { pause: { duration: "5m" } },
    ];
    const paused = rolloutStatusOf({
      spec: { strategy: { canary: { steps } } },
      status: {
        phase: "Paused",
        currentStepIndex: 1,
        pauseConditions: [{ reason: "CanaryPauseStep" }],
      },
    });
    expect(paused).to.deep.include({ waitingForPromotion: true, complete: false, aborted: false });
    const timedPause = rolloutStatusOf({
      spec: { strategy: { canary: { steps } } },
      status: {
        phase: "Paused",
        currentStepIndex: 3,
        pauseConditions: [{ reason: "CanaryPauseStep" }],
      },
    });
    expect(timedPause.waitingForPromotion).to.equal(false);
    expect(
      rolloutStatusOf({
        spec: { strategy: { canary: { steps } } },
        status: { phase: "Healthy", currentStepIndex: 4 },
      }),
    ).to.deep.include({ complete: true });
    expect(
      rolloutStatusOf({ status: { phase: "Degraded", abort: true, message: "RolloutAborted" } }),
    ).to.deep.include({ aborted: true, phase: "Degraded" });
  });

  it("the standard suite: preview before traffic, the candidate's own traffic after, AWS gates on AWS", () => {
    const named = (name: string): Gate => ({
      name,
      measure: () => Promise.resolve({ verdict: "pass", detail: "" }),
    });
    const suite = new StandardGateSuite({
      http: named("http"),
      outputsVersion: named("outputs"),
      candidateTraffic: named("traffic"),
      targetHealth: named("elb"),
      alarms: named("alarms"),
      rollout: named("argo"),
    });
    const names = (t: GateTarget) => suite.gatesFor(t).map((g) => g.name);
    expect(names(target({ phase: "verify" }))).to.deep.equal(["outputs", "elb", "http"]);
    expect(
      names(
        target({
          phase: "bake",
          outputs: outputs({
            cluster: "c",
            rollout: {
              name: "r",
              namespace: "n",
              version: "2.1.0",
              stableService: "r-stable",
              canaryService: "r-canary",
              ingressEndpoint: "https://ingress.example.com",
            },
          }),
        }),
      ),
    ).to.deep.equal(["http", "traffic", "elb", "alarms", "argo"]);
    expect(names(target({ phase: "shift" }))).to.deep.equal(["http", "traffic", "elb"]);
    expect(names(target({ phase: "bake", target: "local" }))).to.deep.equal(["http", "traffic"]);
    expect(names(target({ phase: "verify", target: "local" }))).to.deep.equal(["outputs", "http"]);
    expect(names(target({ phase: "canary" }))).to.deep.equal(["http"]);
  });
});
