import { expect } from "chai";
import {
  assertEvidenceReachable,
  type EvidenceSettings,
  evidenceProblem,
  fewestRequestsForEvidence,
} from "../../../automation/gates/evidence/evidence-settings";
import { slowCount, slowCountFromBuckets } from "../../../automation/gates/evidence/latency-counts";
import { SequentialEvidence } from "../../../automation/gates/evidence/sequential-evidence";
import { UserError } from "../../../automation/support/user-error";

const settings: EvidenceSettings = {
  confidence: 0.95,
  power: 0.95,
  maxErrorRate: 0.01,
  latency: { thresholdMs: 500, quantile: 0.99 },
  comparison: { maxRatio: 2 },
};

describe("evidence: latency limits as counts", () => {
  it("counts requests slower than the limit, exactly or from buckets (a straddling bucket counts)", () => {
    expect(slowCount([10, 499, 500, 501, 2_000], 500)).to.equal(2);
    const buckets = [
      { lowerMs: 0, upperMs: 100, count: 900 },
      { lowerMs: 100, upperMs: 500, count: 90 },
      { lowerMs: 500, upperMs: 1_000, count: 8 },
      { lowerMs: 1_000, upperMs: Infinity, count: 2 },
    ];
    expect(slowCountFromBuckets(buckets, 500)).to.deep.equal({ requests: 1_000, slow: 10 });
    // A threshold inside the 100-500 bucket: all 90 may be slower, so they count.
    expect(slowCountFromBuckets(buckets, 300)).to.deep.equal({ requests: 1_000, slow: 100 });
    expect(() => slowCountFromBuckets([{ lowerMs: 5, upperMs: 5, count: 1 }], 1)).to.throw(
      RangeError,
    );
  });
});

describe("evidence: the incremental decision", () => {
  it("continues, then passes once errors and latency have both shown it, with figures", () => {
    const evidence = new SequentialEvidence(settings);
    const early = evidence.observe({ requests: 300, errors: 0, slow: 0 });
    expect(early.verdict).to.equal("continue");
    const passed = evidence.observe({ requests: 595, errors: 0, slow: 0 });
    expect(passed.verdict).to.equal("pass");
    expect(passed.detail).to.match(/^errors 0\/595 \(0\.000%, limit 1\.00%/);
    expect(passed.figures.map((f) => f.name)).to.deep.equal([
      "candidate requests",
      "error rate",
      "error evidence ratio",
      "slow share",
      "latency evidence ratio",
    ]);
    expect(passed.figures[0]).to.include({ value: 595, threshold: 299, limit: "min" });
    expect(passed.figures[1]).to.include({ value: 0, threshold: 1, limit: "max" });
  });

  it("a pass that crossed stays; a later failure still fails, and sticks", () => {
    const evidence = new SequentialEvidence(settings);
    expect(evidence.observe({ requests: 600, errors: 0, slow: 0 }).verdict).to.equal("pass");
    // Errors creep back above the pass boundary: the pass already happened.
    expect(evidence.observe({ requests: 700, errors: 3, slow: 0 }).verdict).to.equal("pass");
    const failed = evidence.observe({ requests: 800, errors: 20, slow: 0 });
    expect(failed.verdict).to.equal("fail");
    expect(evidence.observe({ requests: 5_000, errors: 20, slow: 0 }).verdict).to.equal("fail");
  });

  it("a slow candidate fails on its latency alone", () => {
    const evidence = new SequentialEvidence(settings);
    const failed = evidence.observe({ requests: 200, errors: 0, slow: 10 });
    expect(failed.verdict).to.equal("fail");
    expect(failed.latency?.verdict).to.equal("fail");
    expect(failed.errorRate.verdict).to.equal("continue");
  });

  it("where both colors run, a candidate far worse than stable fails before its own limit decides", () => {
    const evidence = new SequentialEvidence(
      { ...settings, maxErrorRate: 0.2, latency: undefined },
      { candidateShare: 0.1 },
    );
    // 15% errors against a 20% limit is not yet conclusive; 15 to 9 errors at a 10% share is.
    const judged = evidence.observe({
      requests: 100,
      errors: 15,
      stable: { requests: 900, errors: 9 },
    });
    expect(judged.errorRate.verdict).to.equal("continue");
    expect(judged.comparison?.verdict).to.equal("fail");
    expect(judged.verdict).to.equal("fail");
    expect(judged.figures.at(-1)?.name).to.equal("worse-than-stable e-value");
  });

  it("refuses totals that go down, and missing counts it needs", () => {
    const evidence = new SequentialEvidence(settings, { candidateShare: 0.1 });
    const stable = { requests: 900, errors: 0 };
    evidence.observe({ requests: 100, errors: 0, slow: 0, stable });
    expect(() => evidence.observe({ requests: 99, errors: 0, slow: 0, stable })).to.throw(
      RangeError,
      "new window",
    );
    expect(() => evidence.observe({ requests: 200, errors: 0, stable })).to.throw(
      RangeError,
      "counts.slow",
    );
    expect(() => evidence.observe({ requests: 200, errors: 0, slow: 0 })).to.throw(
      RangeError,
      "counts.stable",
    );
  });
});

describe("evidence: settings that can never pass", () => {
  it("needs the fewest requests of its slowest test", () => {
    expect(fewestRequestsForEvidence(settings)).to.equal(595);
    expect(fewestRequestsForEvidence({ ...settings, confidence: 0.99 })).to.equal(915);
  });

  it("refuses thin traffic with the numbers, and accepts traffic that can pass", () => {
    const thin = { requestsPerSecond: 1, candidateShare: 0.1, timeoutSeconds: 600 };
    const problem = evidenceProblem(settings, thin);
    expect(problem).to.equal(
      "analysis.maxErrorRate = 0.01 at confidence 0.95 and power 0.95 with p99 <= 500 ms needs at " +
        "least 595 of the candidate's requests to pass, but 1 req/s at a 10% share for 600 s gives 60: " +
        "the gate could never pass. Allowed: a timeout of at least 5950 s at this traffic, a larger " +
        "weight, or a looser limit",
    );
    expect(() => assertEvidenceReachable(settings, thin)).to.throw(UserError, "595");
    expect(
      evidenceProblem(settings, {
        requestsPerSecond: 100,
        candidateShare: 0.1,
        timeoutSeconds: 600,
      }),
    ).to.equal(undefined);
  });

  it("refuses a zero error limit, and rates that are not a test", () => {
    const traffic = { requestsPerSecond: 100, candidateShare: 1, timeoutSeconds: 600 };
    expect(evidenceProblem({ ...settings, maxErrorRate: 0 }, traffic)).to.match(
      /^analysis\.maxErrorRate = 0: no sample can show a rate under 0/,
    );
    expect(evidenceProblem({ ...settings, acceptableErrorRate: 0.02 }, traffic)).to.match(
      /acceptable rate 0\.02 must be above 0 and below the limit 0\.01/,
    );
  });
});
