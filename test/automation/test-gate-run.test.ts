import { expect } from "chai";
import type { OutpostOutputs } from "../../infra/contract";
import {
  EcrScanGate,
  ecrImageOf,
  type EcrImage,
  type ScanFindingsPage,
  type ScanFindingsReader,
} from "../../automation/gates/ecr-scan-gate";
import type { Gate, GateTarget, Measurement } from "../../automation/gates/gate";
import { DEFAULT_TEST_RUN, runTestGates } from "../../automation/gates/test-gate-run";
import { VirtualClock } from "../../automation/support/clock";

const target: GateTarget = {
  stack: "staging",
  outpost: "lab-1",
  target: "aws",
  awsRegion: "us-east-1",
  outputs: { endpoint: "https://lab-1.example.com" } as unknown as OutpostOutputs,
  phase: "test",
  release: "2.1.0",
  previousVersion: "2.0.0",
  candidateColor: "green",
};

/** Answers each measurement from a script; records when and in which order it was asked. */
class ScriptedGate implements Gate {
  readonly calls: number[] = [];
  constructor(
    readonly name: string,
    private readonly script: (Measurement | "hang")[],
    private readonly clock: VirtualClock,
    readonly log: string[],
  ) {}
  measure(_target: GateTarget, signal: AbortSignal): Promise<Measurement> {
    this.calls.push(this.clock.now());
    this.log.push(this.name);
    const next = this.script[Math.min(this.calls.length - 1, this.script.length - 1)];
    if (next === "hang") {
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new Error("stopped"))),
      );
    }
    return Promise.resolve(next);
  }
}

const ok = (detail = "ok"): Measurement => ({
  verdict: "pass",
  detail,
  figures: [{ name: "checks passed", value: 3, unit: "" }],
});

/** The local target: the load test shares the machine, so the gates run one after the other. */
const local: GateTarget = { ...target, target: "local" };

describe("test gate run: one gate after the other, each once", () => {
  it("runs every gate in order and passes with each one's figures", async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const gates = ["integration", "security", "load"].map(
      (name) => new ScriptedGate(name, [ok(name)], clock, log),
    );
    const result = await runTestGates(gates, local, clock);
    expect(log).to.deep.equal(["integration", "security", "load"]);
    expect(result).to.deep.include({ ok: true, measurements: 3 });
    expect(result.gates.map((g) => [g.gate, g.verdict, g.detail])).to.deep.equal([
      ["integration", "pass", "integration"],
      ["security", "pass", "security"],
      ["load", "pass", "load"],
    ]);
    expect(result.gates[0].figures).to.have.length(1);
  });

  it("a fail stops the run: the failed gate named, gates after it never run", async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const gates = [
      new ScriptedGate("integration", [ok()], clock, log),
      new ScriptedGate(
        "security",
        [{ verdict: "fail", detail: "GET /: missing x-frame-options" }],
        clock,
        log,
      ),
      new ScriptedGate("load", [ok()], clock, log),
    ];
    const result = await runTestGates(gates, local, clock);
    expect(result).to.deep.include({
      ok: false,
      gate: "security",
      reason: "GET /: missing x-frame-options",
    });
    expect(result.gates.map((g) => `${g.gate} ${g.verdict}`)).to.deep.equal([
      "integration pass",
      "security fail",
    ]);
    expect(log).to.not.include("load");
  });

  it("an error fails the run too, saying the gate could not test", async () => {
    const clock = new VirtualClock();
    const gate = new ScriptedGate(
      "integration",
      [{ verdict: "error", detail: "did not answer" }],
      clock,
      [],
    );
    const result = await runTestGates([gate], target, clock);
    expect(result).to.deep.include({ ok: false, reason: "could not test: did not answer" });
  });

  it("a hanging gate times out at the fixed bound; a timed gate gets its duration plus the margin", async () => {
    const clock = new VirtualClock();
    const started = clock.now();
    const hanging = new ScriptedGate("security", ["hang"], clock, []);
    const result = await runTestGates([hanging], target, clock);
    expect(result).to.deep.include({
      ok: false,
      reason: "could not test: security timed out after 60s",
    });
    expect(clock.now() - started).to.equal(60_000);

    const load = Object.assign(new ScriptedGate("load", ["hang"], clock, []), {
      expectedSeconds: () => 600,
    });
    const loadStarted = clock.now();
    const timed = await runTestGates([load], target, clock);
    expect(timed).to.deep.include({ reason: "could not test: load timed out after 630s" });
    expect(clock.now() - loadStarted).to.equal((600 + DEFAULT_TEST_RUN.loadMarginSeconds) * 1000);
  });

  it("pending is asked again every few seconds, and fails once it has waited too long", async () => {
    const clock = new VirtualClock();
    const scanning: Measurement = { verdict: "pending", detail: "scan: IN_PROGRESS" };
    const scan = new ScriptedGate("ecr-scan", [scanning, scanning, ok()], clock, []);
    const passed = await runTestGates([scan], target, clock);
    expect(passed.ok).to.equal(true);
    expect(scan.calls.map((t) => t - scan.calls[0])).to.deep.equal([0, 10_000, 20_000]);

    const stuck = new ScriptedGate("ecr-scan", [scanning], clock, []);
    const failed = await runTestGates([stuck], target, clock, undefined, {
      ...DEFAULT_TEST_RUN,
      pendingTimeoutSeconds: 30,
    });
    expect(failed).to.deep.include({
      ok: false,
      reason: "still pending after 30s: scan: IN_PROGRESS",
    });
    expect(stuck.calls).to.have.length(4);
  });

  it("the caller's abort stops the gate in flight and the run", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const gate: Gate = {
      name: "load",
      measure: (_t, signal) => {
        seen = signal;
        controller.abort(new Error("operator abort"));
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      },
    };
    let caught: unknown;
    await runTestGates([gate], target, clock, controller.signal).catch(
      (err: unknown) => (caught = err),
    );
    expect((caught as Error).message).to.equal("operator abort");
    expect(seen?.aborted).to.equal(true);
  });
});

/** DescribeImageScanFindings pages by token; remembers what it was asked. */
class FakeScans implements ScanFindingsReader {
  readonly asked: { image: EcrImage; nextToken: string | undefined }[] = [];
  constructor(private readonly pages: Record<string, ScanFindingsPage> | Error) {}
  page(image: EcrImage, nextToken: string | undefined): Promise<ScanFindingsPage> {
    this.asked.push({ image, nextToken });
    if (this.pages instanceof Error) return Promise.reject(this.pages);
    return Promise.resolve(this.pages[nextToken ?? "first"]);
  }
}

const REPOSITORY = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/storefront";
const complete = (page: Partial<ScanFindingsPage>): ScanFindingsPage => ({
  status: "COMPLETE",
  severityCounts: {},
  enhancedSeverities: [],
  ...page,
});
const never = new AbortController().signal;

describe("test gate run on AWS: integration, security and the ECR scan beside the load test", () => {
  it("starts every gate at once, and passes with each one's figures", async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const log: string[] = [];
    // The scan is still running at first: asked again 10 s later, while the others go on.
    const scan = new ScriptedGate(
      "ecr-scan",
      [{ verdict: "pending", detail: "scan in progress" }, ok("ecr-scan")],
      clock,
      log,
    );
    const gates = [
      scan,
      ...["integration", "security", "load"].map(
        (name) => new ScriptedGate(name, [ok(name)], clock, log),
      ),
    ];
    const result = await runTestGates(gates, target, clock);
    expect(gates.map((g) => g.calls)).to.deep.equal([[t0, t0 + 10_000], [t0], [t0], [t0]]);
    expect(result).to.deep.include({ ok: true, measurements: 4 });
    expect(result.gates.map((g) => [g.gate, g.verdict])).to.deep.equal([
      ["ecr-scan", "pass"],
      ["integration", "pass"],
      ["security", "pass"],
      ["load", "pass"],
    ]);
  });

  it("the first failure stops the load test in flight and names the failed gate", async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const load = new ScriptedGate("load", ["hang"], clock, log);
    const gates = [
      new ScriptedGate("integration", [ok()], clock, log),
      new ScriptedGate("security", [{ verdict: "fail", detail: "GET /: no HSTS" }], clock, log),
      load,
    ];
    const result = await runTestGates(gates, target, clock);
    expect(result).to.deep.include({ ok: false, gate: "security", reason: "GET /: no HSTS" });
    // The load test was stopped, not judged: only the gates that ended are summarized.
    expect(result.gates.map((g) => `${g.gate} ${g.verdict}`)).to.deep.equal([
      "integration pass",
      "security fail",
    ]);
    expect(load.calls).to.have.length(1);
  });

  it("the caller's abort stops them all and rejects", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const log: string[] = [];
    const gates = ["integration", "load"].map(
      (name) => new ScriptedGate(name, ["hang"], clock, log),
    );
    const run = runTestGates(gates, target, clock, controller.signal);
    controller.abort();
    let rejected = false;
    await run.catch(() => (rejected = true));
    expect(rejected).to.equal(true);
  });
});

describe("gates: ECR image scan", () => {
  it("reads the release's image in the repository's region and account", () => {
    expect(ecrImageOf(REPOSITORY, "2.1.0")).to.deep.equal({
      registryId: "111122223333",
      region: "eu-west-1",
      repositoryName: "team/storefront",
      imageTag: "2.1.0",
    });
    expect(ecrImageOf("ghcr.io/acme/storefront", "2.1.0")).to.equal(undefined);
  });

  it("passes below the severity, fails at or above it naming the counts, over every page", async () => {
    const scans = new FakeScans({
      first: complete({
        severityCounts: { MEDIUM: 2, LOW: 5 },
        enhancedSeverities: ["MEDIUM"],
        nextToken: "p2",
      }),
      p2: complete({
        severityCounts: { MEDIUM: 2, LOW: 5 },
        enhancedSeverities: ["HIGH", "UNTRIAGED"],
      }),
    });
    const gate = new EcrScanGate(scans, () => REPOSITORY, "HIGH");
    const result = await gate.measure(target, never);
    expect(scans.asked.map((a) => a.nextToken)).to.deep.equal([undefined, "p2"]);
    expect(scans.asked[0].image.region).to.equal("eu-west-1");
    expect(result.verdict).to.equal("fail");
    expect(result.detail).to.equal(
      `${REPOSITORY}:2.1.0: 1 HIGH, 2 MEDIUM, 5 LOW, 1 UNDEFINED; fails at HIGH or above`,
    );
    const lenient = await new EcrScanGate(
      new FakeScans({ first: complete({ severityCounts: { MEDIUM: 2 } }) }),
      () => REPOSITORY,
      "HIGH",
    ).measure(target, never);
    expect(lenient.verdict).to.equal("pass");
    expect(lenient.figures).to.deep.include({
      name: "at or above high",
      value: 0,
      unit: "findings",
      threshold: 0,
      limit: "max",
    });
  });

  it("a scan in progress is pending; no scan fails asking for scan on push; a failed scan fails", async () => {
    const scanning = new EcrScanGate(
      new FakeScans({ first: complete({ status: "IN_PROGRESS" }) }),
      () => REPOSITORY,
      "HIGH",
    );
    expect((await scanning.measure(target, never)).verdict).to.equal("pending");
    const missing = Object.assign(new Error("no scan"), { name: "ScanNotFoundException" });
    const none = await new EcrScanGate(new FakeScans(missing), () => REPOSITORY, "HIGH").measure(
      target,
      never,
    );
    expect(none).to.deep.equal({
      verdict: "fail",
      detail: `no scan for ${REPOSITORY}:2.1.0; scan on push must be on`,
    });
    const broken = await new EcrScanGate(
      new FakeScans({
        first: complete({ status: "UNSUPPORTED_IMAGE", description: "not a docker image" }),
      }),
      () => REPOSITORY,
      "HIGH",
    ).measure(target, never);
    expect(broken.detail).to.contain("UNSUPPORTED_IMAGE (not a docker image)");
    const denied = new EcrScanGate(
      new FakeScans(new Error("AccessDenied")),
      () => REPOSITORY,
      "HIGH",
    );
    let caught: unknown;
    await denied.measure(target, never).catch((err: unknown) => (caught = err));
    expect((caught as Error).message).to.equal("AccessDenied");
  });

  it("a tag that was never pushed fails naming the tag and the repository, not an error", async () => {
    // What ECR answers for a tag the repository does not hold (the SDK's error name).
    const neverPushed = Object.assign(
      new Error("The image with imageId {imageTag:'2.1.0'} does not exist"),
      {
        name: "ImageNotFoundException",
      },
    );
    const result = await new EcrScanGate(
      new FakeScans(neverPushed),
      () => REPOSITORY,
      "HIGH",
    ).measure(target, never);
    expect(result).to.deep.equal({
      verdict: "fail",
      detail: `image 2.1.0 not found in ${REPOSITORY}`,
    });
  });
});
