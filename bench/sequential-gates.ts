/**
 * The sequential tests of automation/gates/evidence/ measured by simulation: how often they
 * pass a candidate at the limit (false pass, against the stated α) and fail one at the
 * acceptable rate (false fail, against β), how many of the candidate's requests and how many
 * seconds a decision takes at given request rates, and the same for the comparison with the
 * stable color. Seeded, so every run prints the same table; a few seconds of wall time.
 *
 *   npm run bench:sequential-gates [-- --runs 5000 --seed 1]
 */
import yargs from "yargs";
import { judgeRateComparison } from "../automation/gates/evidence/rate-comparison";
import {
  fewestRequestsToPass,
  judgeRateLimit,
  type RateLimitTest,
  type SequentialVerdict,
} from "../automation/gates/evidence/rate-limit-sprt";
import { type EvidenceSettings } from "../automation/gates/evidence/evidence-settings";
import { SequentialEvidence } from "../automation/gates/evidence/sequential-evidence";
import { DEFAULT_SETTINGS } from "../automation/settings/driver-settings";
import { binomial, type Random, seededRandom } from "./lib/seeded-random";

/** The shipped analysis: 1% errors at 95% (driver.yaml), power 95%, acceptable half the limit. */
const analysis = DEFAULT_SETTINGS.analysis;
const SETTINGS: EvidenceSettings = {
  confidence: analysis.confidence,
  power: analysis.confidence,
  maxErrorRate: analysis.maxErrorRate,
  comparison: { maxRatio: 2 },
};
const TEST: RateLimitTest = {
  limit: SETTINGS.maxErrorRate,
  acceptable: SETTINGS.maxErrorRate / 2,
  falsePass: 1 - SETTINGS.confidence,
  falseFail: 1 - SETTINGS.power,
};
/** A stream that has not decided after this many requests counts as undecided. */
const REQUEST_CAP = 200_000;

interface Outcome {
  readonly verdict: SequentialVerdict;
  readonly requests: number;
  readonly seconds: number;
}

/** Looks after every request: the finest the driver could look. */
function perRequest(random: Random, p: number): Outcome {
  let errors = 0;
  for (let n = 1; n <= REQUEST_CAP; n++) {
    if (random() < p) errors++;
    const verdict = judgeRateLimit(TEST, n, errors).verdict;
    if (verdict !== "continue") return { verdict, requests: n, seconds: 0 };
  }
  return { verdict: "continue", requests: REQUEST_CAP, seconds: 0 };
}

/** Looks every `intervalS` (the analysis interval) through the incremental API, until `timeoutS`. */
function everyInterval(
  random: Random,
  p: number,
  perSecond: number,
  intervalS: number,
  timeoutS: number,
): Outcome {
  const evidence = new SequentialEvidence(SETTINGS);
  let requests = 0;
  let errors = 0;
  for (let t = intervalS; t <= timeoutS; t += intervalS) {
    // Whole requests per look: a thin stream's fraction carries over.
    const due = Math.floor(perSecond * t) - requests;
    errors += binomial(random, due, p);
    requests += due;
    const { verdict } = evidence.observe({ requests, errors });
    if (verdict !== "continue") return { verdict, requests, seconds: t };
  }
  return { verdict: "continue", requests, seconds: timeoutS };
}

/** A shift at `share`: both colors take traffic; looked at every second. */
function comparisonRun(
  random: Random,
  stableRate: number,
  ratio: number,
  perSecond: number,
  share: number,
  timeoutS: number,
): Outcome {
  const test = {
    ...SETTINGS.comparison!,
    candidateShare: share,
    falsePass: TEST.falsePass,
    falseFail: TEST.falseFail,
  };
  let candidate = 0;
  let stable = 0;
  let requests = 0;
  for (let t = 1; t <= timeoutS; t++) {
    const due = Math.floor(perSecond * share * t) - requests;
    requests += due;
    candidate += binomial(random, due, stableRate * ratio);
    stable += binomial(random, Math.round(perSecond * (1 - share)), stableRate);
    const { verdict } = judgeRateComparison(test, candidate, stable);
    if (verdict !== "continue") return { verdict, requests, seconds: t };
  }
  return { verdict: "continue", requests, seconds: timeoutS };
}

const share = (outcomes: readonly Outcome[], verdict: SequentialVerdict) =>
  outcomes.filter((o) => o.verdict === verdict).length / outcomes.length;
const quantile = (values: readonly number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
const cell = (x: number, width = 8) =>
  (Number.isNaN(x) ? "-" : String(Math.round(x))).padStart(width);

function main(): void {
  const args = yargs(process.argv.slice(2))
    .option("runs", { type: "number", default: 5000, describe: "simulated streams per row" })
    .option("seed", { type: "number", default: 1 })
    .strict()
    .parseSync();
  const random = seededRandom(args.seed);
  const started = performance.now();
  const p1 = TEST.limit;
  const p0 = TEST.acceptable;
  console.log(
    `sequential gates: error limit ${p1 * 100}% (driver.yaml analysis.maxErrorRate), acceptable ${p0 * 100}%, ` +
      `α = ${TEST.falsePass.toFixed(2)} (false pass), β = ${TEST.falseFail.toFixed(2)} (false fail); ` +
      `${args.runs} seeded streams per row; fewest requests to pass ${fewestRequestsToPass(TEST)}\n`,
  );

  console.log(
    "1. error-rate SPRT, looked at after every request (undecided: no decision in 200 000)",
  );
  console.log(
    "  candidate rate     pass     fail  undecided  stated        measured (95% interval)   requests to decide p50   p90",
  );
  for (const [label, p, stated] of [
    ["0", 0, ""],
    [`${p0 * 100}% (acceptable)`, p0, `fail <= ${pct(TEST.falseFail).trim()}`],
    [`${p1 * 100}% (limit)`, p1, `pass <= ${pct(TEST.falsePass).trim()}`],
    [`${2 * p1 * 100}% (2x limit)`, 2 * p1, ""],
  ] as const) {
    const outcomes = Array.from({ length: args.runs }, () => perRequest(random, p));
    const decided = outcomes.filter((o) => o.verdict !== "continue").map((o) => o.requests);
    const judged = stated.startsWith("pass") ? "pass" : "fail";
    const rate = share(outcomes, judged);
    // The sampling noise of a rate measured on `runs` streams (normal approximation).
    const noise = 1.96 * Math.sqrt((rate * (1 - rate)) / args.runs);
    const measured = stated === "" ? "" : `${judged} ${pct(rate).trim()} ± ${pct(noise).trim()}`;
    console.log(
      `  ${label.padEnd(16)} ${pct(share(outcomes, "pass"))}  ${pct(share(outcomes, "fail"))}    ${pct(share(outcomes, "continue"))}` +
        `  ${stated.padEnd(14)}${measured.padEnd(26)}${cell(quantile(decided, 0.5), 12)}${cell(quantile(decided, 0.9), 6)}`,
    );
  }

  const intervalS = analysis.intervalSeconds;
  const timeoutS = analysis.verifyTimeoutSeconds;
  console.log(
    `\n2. time to decision through the incremental API, a look every ${intervalS} s (analysis.intervalSeconds), ` +
      `timeout ${timeoutS} s (verifyTimeoutSeconds)`,
  );
  console.log(
    "  Outpost req/s  candidate share  rate 0: pass  p50 s  undecided   rate 2x limit: fail  p50 s  undecided",
  );
  const runsPerCell = Math.max(200, Math.round(args.runs / 4));
  for (const perSecond of [1, 10, 100, 1000]) {
    for (const candidateShare of [0.1, 1]) {
      const rate = perSecond * candidateShare;
      const clean = Array.from({ length: runsPerCell }, () =>
        everyInterval(random, 0, rate, intervalS, timeoutS),
      );
      const bad = Array.from({ length: runsPerCell }, () =>
        everyInterval(random, 2 * p1, rate, intervalS, timeoutS),
      );
      const seconds = (outcomes: Outcome[], verdict: SequentialVerdict) =>
        quantile(
          outcomes.filter((o) => o.verdict === verdict).map((o) => o.seconds),
          0.5,
        );
      console.log(
        `  ${String(perSecond).padStart(13)}  ${pct(candidateShare).padStart(15)}  ${pct(share(clean, "pass")).padStart(12)}` +
          `${cell(seconds(clean, "pass"), 7)}  ${pct(share(clean, "continue")).padStart(9)}   ${pct(share(bad, "fail")).padStart(19)}` +
          `${cell(seconds(bad, "fail"), 7)}  ${pct(share(bad, "continue")).padStart(9)}`,
      );
    }
  }

  const stableRate = 0.01;
  const comparisonShare = 0.1;
  const perSecond = 100;
  console.log(
    `\n3. candidate against stable (count test), ${comparisonShare * 100}% weight, ${perSecond} req/s, stable errors ` +
      `${stableRate * 100}%, tolerance ${SETTINGS.comparison!.maxRatio}x, a look every second, timeout ${timeoutS} s`,
  );
  console.log(
    "  candidate rate / stable     fail     pass  undecided   stated          p50 s to decide",
  );
  for (const [ratio, stated] of [
    [1, `fail <= ${pct(TEST.falseFail).trim()}`],
    [SETTINGS.comparison!.maxRatio, `pass <= ${pct(TEST.falsePass).trim()}`],
    [5, ""],
  ] as const) {
    const outcomes = Array.from({ length: runsPerCell }, () =>
      comparisonRun(random, stableRate, ratio, perSecond, comparisonShare, timeoutS),
    );
    const decided = outcomes.filter((o) => o.verdict !== "continue").map((o) => o.seconds);
    console.log(
      `  ${`${ratio}x`.padEnd(24)} ${pct(share(outcomes, "fail"))}  ${pct(share(outcomes, "pass"))}    ${pct(share(outcomes, "continue"))}` +
        `  ${stated.padEnd(14)}${cell(quantile(decided, 0.5), 10)}`,
    );
  }
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s of wall time)`);
}

main();
