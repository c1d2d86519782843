import { expect } from "chai";
import { logBetaTails, logGamma } from "../../../automation/gates/evidence/beta-functions";
import {
  fewestRequestsToPass,
  judgeRateLimit,
  type RateLimitTest,
  rateTestFloor,
} from "../../../automation/gates/evidence/rate-limit-sprt";
import { binomial, seededRandom } from "../../../bench/lib/seeded-random";

const onePercent: RateLimitTest = {
  limit: 0.01,
  acceptable: 0.005,
  falsePass: 0.05,
  falseFail: 0.05,
};

/** Looks after every `batch` requests until a decision or `cap` requests. */
function run(test: RateLimitTest, p: number, seed: number, batch = 1, cap = 200_000) {
  const random = seededRandom(seed);
  let requests = 0;
  let errors = 0;
  while (requests < cap) {
    errors += binomial(random, batch, p);
    requests += batch;
    const judged = judgeRateLimit(test, requests, errors);
    if (judged.verdict !== "continue") return { verdict: judged.verdict, requests };
  }
  return { verdict: "continue" as const, requests };
}

describe("evidence: the special functions", () => {
  it("ln Γ and the Beta tails match known values", () => {
    expect(logGamma(5)).to.be.closeTo(Math.log(24), 1e-12);
    expect(logGamma(0.5)).to.be.closeTo(Math.log(Math.sqrt(Math.PI)), 1e-12);
    // I_0.5(2, 3) = 11/16.
    const tails = logBetaTails(0.5, 2, 3);
    expect(Math.exp(tails.lower)).to.be.closeTo(11 / 16, 1e-12);
    expect(Math.exp(tails.upper)).to.be.closeTo(5 / 16, 1e-12);
    // A far tail keeps its digits: P(Beta(1, 200) > 0.5) = 0.5^200.
    expect(logBetaTails(0.5, 1, 200).upper).to.be.closeTo(200 * Math.log(0.5), 1e-9);
  });
});

describe("evidence: Wald's SPRT of a rate against a limit", () => {
  it("passes a clean candidate at exactly the fewest requests, never before", () => {
    expect(rateTestFloor(onePercent)).to.equal(299);
    expect(fewestRequestsToPass(onePercent)).to.equal(595);
    expect(judgeRateLimit(onePercent, 594, 0).verdict).to.equal("continue");
    const passed = judgeRateLimit(onePercent, 595, 0);
    expect(passed.verdict).to.equal("pass");
    expect(passed.logLikelihoodRatio).to.be.at.most(Math.log(0.05));
  });

  it("keeps the minimum-sample floor of error-rate.ts: no pass under 299 requests", () => {
    // As p0 approaches 0 the likelihood ratio of a clean sample approaches 0.99^n, and the
    // fewest requests approach the floor itself: 299.
    const strict: RateLimitTest = { ...onePercent, acceptable: 1e-6 };
    expect(judgeRateLimit(strict, 298, 0).verdict).to.equal("continue");
    expect(judgeRateLimit(strict, 299, 0).verdict).to.equal("pass");
    expect(fewestRequestsToPass(strict)).to.equal(299);
  });

  it("fails a clearly bad candidate on its fifth error, whatever the floor", () => {
    // Each error multiplies Λ by p1/p0 = 2: five errors outweigh 1/β = 20.
    expect(judgeRateLimit(onePercent, 12, 4).verdict).to.equal("continue");
    expect(judgeRateLimit(onePercent, 12, 5).verdict).to.equal("fail");
    expect(judgeRateLimit(onePercent, 12, 5).failAt).to.be.closeTo(Math.log(20), 1e-12);
  });

  it("refuses counts that cannot be", () => {
    expect(() => judgeRateLimit(onePercent, 10, 11)).to.throw(RangeError, "11 failures among 10");
    expect(() => judgeRateLimit(onePercent, 1.5, 0)).to.throw(RangeError, "whole");
  });

  it("on simulated request streams: 0 errors pass, twice the limit fails, looked at after every request", () => {
    const clean = run(onePercent, 0, 1);
    expect(clean).to.deep.equal({ verdict: "pass", requests: 595 });
    const outcomes = Array.from({ length: 200 }, (_, i) => run(onePercent, 0.02, 100 + i));
    expect(outcomes.filter((o) => o.verdict === "fail").length).to.be.at.least(196);
    const median = outcomes.map((o) => o.requests).sort((a, b) => a - b)[100];
    expect(median).to.be.within(150, 700);
  });

  it("at the limit it passes at most α of the time, at the acceptable rate fails at most β", () => {
    // 400 streams each: the observed rate must stay under the stated one with room for
    // sampling noise (a binomial 95% bound: 0.05 + 2·sqrt(0.05·0.95/400) ≈ 0.072).
    const atLimit = Array.from({ length: 400 }, (_, i) => run(onePercent, 0.01, 1_000 + i, 10));
    const falsePasses = atLimit.filter((o) => o.verdict === "pass").length / 400;
    expect(falsePasses).to.be.at.most(0.072);
    const acceptable = Array.from({ length: 400 }, (_, i) => run(onePercent, 0.005, 5_000 + i, 10));
    const falseFails = acceptable.filter((o) => o.verdict === "fail").length / 400;
    expect(falseFails).to.be.at.most(0.072);
    expect(acceptable.filter((o) => o.verdict === "continue")).to.have.length(0);
  });

  it("thin traffic decides nothing within a window; heavy traffic decides at its first look", () => {
    // 1 req/s to the candidate for a 300 s bake: 300 requests, under the 595 a pass needs.
    expect(run(onePercent, 0, 7, 1, 300).verdict).to.equal("continue");
    // 1000 req/s looked at every 10 s: the first look already has 10 000 clean requests.
    expect(run(onePercent, 0, 7, 10_000)).to.deep.equal({ verdict: "pass", requests: 10_000 });
  });
});
