import { expect } from "chai";
import {
  boundaryShare,
  judgeRateComparison,
  type RateComparisonTest,
} from "../../../automation/gates/evidence/rate-comparison";
import { binomial, seededRandom } from "../../../bench/lib/seeded-random";

const tenPercent: RateComparisonTest = {
  candidateShare: 0.1,
  maxRatio: 2,
  falsePass: 0.05,
  falseFail: 0.05,
};

/**
 * A shift at a 10% weight: `rate` requests/s to the Outpost, the stable color erring at
 * `stableRate`, the candidate at `ratio` times that; looked at every second.
 */
function shift(ratio: number, seed: number, stableRate = 0.01, rate = 100, seconds = 1_800) {
  const random = seededRandom(seed);
  let candidate = 0;
  let stable = 0;
  for (let second = 1; second <= seconds; second++) {
    candidate += binomial(random, rate * 0.1, stableRate * ratio);
    stable += binomial(random, rate * 0.9, stableRate);
    const judged = judgeRateComparison(tenPercent, candidate, stable);
    if (judged.verdict !== "continue") return { verdict: judged.verdict, second };
  }
  return { verdict: "continue" as const, second: seconds };
}

describe("evidence: the candidate against the stable color (count test)", () => {
  it("the boundary is the candidate's share of error events at exactly the tolerance", () => {
    // At a 10% weight and twice the stable rate: 0.2 / (0.2 + 0.9).
    expect(boundaryShare(tenPercent)).to.be.closeTo(0.2 / 1.1, 1e-12);
    expect(boundaryShare({ candidateShare: 0.5, maxRatio: 1 })).to.equal(0.5);
  });

  it("with no error events on either side there is nothing to count", () => {
    const judged = judgeRateComparison(tenPercent, 0, 0);
    expect(judged.verdict).to.equal("continue");
    expect(judged.logFailEvidence).to.equal(0);
    expect(judged.logPassEvidence).to.equal(0);
  });

  it("fails a candidate five times worse than stable; passes one as good on enough errors", () => {
    expect(judgeRateComparison(tenPercent, 20, 20).verdict).to.equal("fail");
    expect(judgeRateComparison(tenPercent, 2, 200).verdict).to.equal("pass");
    expect(judgeRateComparison(tenPercent, 1, 9).verdict).to.equal("continue");
  });

  it("on simulated shifts: a 5x candidate fails within minutes, an equal one rarely fails", () => {
    const worse = Array.from({ length: 100 }, (_, i) => shift(5, 10 + i));
    expect(worse.filter((o) => o.verdict === "fail").length).to.be.at.least(95);
    const seconds = worse.map((o) => o.second).sort((a, b) => a - b);
    expect(seconds[50]).to.be.below(300);
    const equal = Array.from({ length: 300 }, (_, i) => shift(1, 1_000 + i));
    // At most β = 5%, plus sampling room over 300 runs.
    expect(equal.filter((o) => o.verdict === "fail").length / 300).to.be.at.most(0.075);
  });

  it("refuses a share that leaves one color without traffic", () => {
    expect(() => judgeRateComparison({ ...tenPercent, candidateShare: 1 }, 0, 0)).to.throw(
      RangeError,
      "candidate share 1 must be above 0 and below 1",
    );
    expect(() => judgeRateComparison(tenPercent, -1, 0)).to.throw(RangeError, "not negative");
  });
});
