import { expect } from "chai";
import {
  judgeLoadSoFar,
  loadErrorTest,
  type LoadEvidenceRule,
} from "../../../automation/gates/evidence/load-test-evidence";
import { fewestRequestsToPass } from "../../../automation/gates/evidence/rate-limit-sprt";
import { binomial, seededRandom } from "../../../bench/lib/seeded-random";

/** The use case's AWS load test with the shipped confidence and power. */
const RULE: LoadEvidenceRule = {
  maxErrorRate: 0.001,
  maxP95Ms: 500,
  minRequestsPerSecond: 2000,
  falsePass: 0.05,
  falseFail: 0.05,
  floorSeconds: 120,
};

/** Full-load counts after `seconds` at `rps`, each request failing at `errorRate`, slow at `slowRate`. */
function stream(seconds: number, rps: number, errorRate: number, slowRate: number, seed = 7) {
  const random = seededRandom(seed);
  const answers = Math.round(seconds * rps);
  const failures = binomial(random, answers, errorRate);
  const slow = binomial(random, answers, slowRate);
  return { seconds, attempts: answers, failures, answers, slow };
}

describe("the load test's early stop (sequential rule)", () => {
  it("never passes before the floor, however clean the traffic", () => {
    const clean = { seconds: 119, attempts: 300_000, failures: 0, answers: 300_000, slow: 0 };
    expect(judgeLoadSoFar(RULE, clean).verdict).to.equal("continue");
    expect(judgeLoadSoFar(RULE, { ...clean, seconds: 120 }).verdict).to.equal("pass");
  });

  it("passes a clean release at the floor, with the minimum sample long reached", () => {
    // 5987 requests at least for 0.1% at 95%: 3 s of the use case's 2000 req/s.
    expect(fewestRequestsToPass(loadErrorTest(RULE))).to.equal(5987);
    const verdict = judgeLoadSoFar(RULE, stream(120, 2500, 0, 0.01));
    expect(verdict.verdict).to.equal("pass");
    expect(verdict.detail).to.match(
      /^errors 0\/300000 passed \(limit 0\.1%\), answers over 500 ms \d+\/300000 passed \(limit 5%\), 2500 req\/s at full load, held 120 s$/,
    );
  });

  it("does not pass on too little throughput: it runs on, and the whole run is judged", () => {
    expect(judgeLoadSoFar(RULE, stream(300, 1500, 0, 0)).verdict).to.equal("continue");
  });

  it("fails twice the error limit as soon as it has shown it, before the floor", () => {
    const verdict = judgeLoadSoFar(RULE, stream(10, 2500, 0.002, 0));
    expect(verdict.verdict).to.equal("fail");
    expect(verdict.detail).to.match(/^errors \d+\/25000 failed/);
  });

  it("fails a release slower than the p95 limit on more than 5% of answers", () => {
    expect(judgeLoadSoFar(RULE, stream(5, 2500, 0, 0.1)).verdict).to.equal("fail");
  });

  it("false passes at the limit and false fails at half of it stay within 5% (simulated)", () => {
    let passesAtLimit = 0;
    let failsAtHalf = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      // Looks every second at 200 req/s: 600 looks over 10 minutes.
      const rule = { ...RULE, minRequestsPerSecond: 0, floorSeconds: 0 };
      const look = (rate: number) => {
        const random = seededRandom(seed * 7919 + Math.round(rate * 1e6));
        let failures = 0;
        for (let second = 1; second <= 600; second++) {
          failures += binomial(random, 200, rate);
          const answers = second * 200;
          const said = judgeLoadSoFar(rule, {
            seconds: second,
            attempts: answers,
            failures,
            answers,
            slow: 0,
          });
          if (said.verdict !== "continue") return said.verdict;
        }
        return "continue";
      };
      if (look(0.001) === "pass") passesAtLimit++;
      if (look(0.0005) === "fail") failsAtHalf++;
    }
    expect(passesAtLimit / runs).to.be.at.most(0.05);
    expect(failsAtHalf / runs).to.be.at.most(0.05);
  });
});
