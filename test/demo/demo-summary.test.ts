import { expect } from "chai";
import type { JournalEvent, JournalEventBody } from "../../automation/journal/journal-events";
import type { RolloutPlan } from "../../automation/plan/plan-types";
import type { LoadResult, Sample } from "../../bench/lib/http-load";
import { formatSummary, summarize, trafficWindows } from "../../scripts/demo/demo-summary";
import { waveStatuses } from "../../scripts/demo/wave-status";

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const actor = { user: "tester", host: "test-host", pid: 1 };

const stage = (stack: string, outpost: string, ring: number, batch: number) => ({
  id: `${stack}/${outpost}`,
  stack,
  outpost,
  ring,
  batch,
  target: "local" as const,
});
const PLAN: RolloutPlan = {
  release: "2.1.0",
  waves: [
    {
      name: "us",
      concurrency: 1,
      stages: [stage("local-us", "nyc", 0, 0), stage("local-us", "iad", 1, 1)],
      syncStacks: ["local-us"],
    },
    {
      name: "eu",
      concurrency: 1,
      stages: [stage("local-eu", "fra", 0, 0)],
      syncStacks: ["local-eu"],
    },
    {
      name: "apac",
      concurrency: 1,
      stages: [stage("local-apac", "syd", 0, 0)],
      syncStacks: ["local-apac"],
    },
  ],
  steps: {},
  rollbackScope: "wave",
};

/** Journal events at the given seconds after T0. */
function journal(...entries: [number, JournalEventBody][]): JournalEvent[] {
  return entries.map(
    ([second, body], i) =>
      ({ ...body, seq: i + 1, at: new Date(T0 + second * 1000).toISOString() }) as JournalEvent,
  );
}
const started: [number, JournalEventBody] = [
  0,
  { type: "release-started", attempt: 1, plan: PLAN, baselines: {}, by: actor, command: "deploy" },
];
const step = (
  second: number,
  type: "step-started" | "step-completed",
  wave: string,
  batch: number,
  name: string,
  stages: string[],
): [number, JournalEventBody] => [second, { type, wave, batch, step: name, stages }];

/** A load that answered every 10 ms from T0 + from to T0 + to, with `version`, failing in `bad` seconds. */
function load(
  from: number,
  to: number,
  version: (second: number) => string,
  bad: [number, number][] = [],
): LoadResult {
  const samples: Sample[] = [];
  for (let ms = from * 1000; ms <= to * 1000; ms += 10) {
    const failed = bad.some(([a, b]) => ms >= a * 1000 && ms <= b * 1000);
    samples.push({
      at: ms,
      status: failed ? 0 : 200,
      version: failed ? undefined : version(ms / 1000),
      latencyMs: 3,
    });
  }
  return {
    durationMs: (to - from) * 1000,
    total: samples.length,
    failed: samples.filter((s) => s.status !== 200).length,
    errors: {},
    statuses: {},
    samples,
    startedAt: T0,
  };
}

describe("demo: the summary of a run", () => {
  const good = journal(
    started,
    [1, { type: "wave-started", wave: "us" }],
    step(2, "step-started", "us", 0, "flip", ["local-us/nyc"]),
    step(4, "step-completed", "us", 0, "flip", ["local-us/nyc"]),
    step(5, "step-started", "us", 1, "shift-10", ["local-us/iad"]),
    step(6, "step-completed", "us", 1, "shift-10", ["local-us/iad"]),
    step(7, "step-started", "us", 1, "flip", ["local-us/iad"]),
    step(9, "step-completed", "us", 1, "flip", ["local-us/iad"]),
    [10, { type: "wave-completed", wave: "us" }],
    [11, { type: "release-finished", outcome: "succeeded" }],
  );

  it("finds when each Outpost's traffic moved: every shift and flip", () => {
    const windows = trafficWindows(good);
    expect(windows.get("local-us/nyc")).to.deep.equal([{ from: T0 + 2000, to: T0 + 4000 }]);
    expect(windows.get("local-us/iad")).to.deep.equal([
      { from: T0 + 5000, to: T0 + 6000 },
      { from: T0 + 7000, to: T0 + 9000 },
    ]);
  });

  it("measures the gap each Outpost's load saw while its traffic moved, and totals the load", () => {
    const summary = summarize({
      release: "2.1.0",
      events: good,
      deployMs: 11_000,
      loads: [
        { stage: "local-us/nyc", load: load(0, 11, (s) => (s < 3 ? "2.0.0" : "2.1.0")) },
        // 310 ms without an answer during iad's flip; errors before it, outside any move, too.
        {
          stage: "local-us/iad",
          load: load(0, 11, (s) => (s < 8 ? "2.0.0" : "2.1.0"), [
            [0.5, 0.6],
            [8, 8.29],
          ]),
        },
      ],
      timings: { wallMs: 11_000, engineMs: 7_000, driverMs: 4_000, calls: { up: 4 } },
      versions: { nyc: "2.1.0", iad: "2.1.0" },
    });
    expect(summary).to.deep.include({
      outposts: 2,
      deployMs: 11_000,
      maxSwitchGapMs: 310,
      engineMs: 7_000,
      driverMs: 4_000,
    });
    expect(summary.switchGaps).to.deep.equal({ p50: 10, p99: 310, max: 310 });
    expect(summary.requests).to.equal(2 * 1101);
    expect(summary.failedRequests).to.equal(11 + 30);
    expect(summary.p99Ms).to.equal(3);
    expect(summary).to.not.have.property("rollbackMs");
    const table = formatSummary(summary);
    expect(table).to.match(/switchover gap p50 \/ p99 \/ max\s+10 \/ 310 \/ 310 ms\s+< 1000 ms/);
    expect(table).to.match(/version consistency\s+100% \(2\.1\.0\)\s+100%/);
  });

  it("with a failure: rollback time until the load sees only the stable version, and the journal's", () => {
    const failed = journal(
      started,
      [1, { type: "wave-started", wave: "us" }],
      [2, { type: "wave-completed", wave: "us" }],
      [3, { type: "wave-started", wave: "eu" }],
      step(4, "step-started", "eu", 0, "shift-10", ["local-eu/fra"]),
      [
        10,
        {
          type: "stage-failed",
          wave: "eu",
          batch: 0,
          stage: "local-eu/fra",
          step: "shift-10",
          reason: "candidate-traffic",
        },
      ],
      [
        10,
        {
          type: "rollback-started",
          cause: "failure",
          scope: "wave",
          stages: ["local-eu/fra"],
          reason: "candidate-traffic",
        },
      ],
      [13, { type: "rollback-step-completed", phase: "traffic", stack: "local-eu" }],
      [20, { type: "rollback-completed" }],
      [21, { type: "release-finished", outcome: "rolled-back", reason: "candidate-traffic" }],
    );
    const summary = summarize({
      release: "2.1.0",
      events: failed,
      deployMs: 21_000,
      loads: [
        {
          stage: "local-eu/fra",
          load: load(0, 21, (s) =>
            s >= 4 && s < 12.5 && Math.round(s * 100) % 10 === 0 ? "2.1.0" : "2.0.0",
          ),
        },
      ],
      versions: { fra: "2.0.0" },
      stableVersion: "2.0.0",
    });
    expect(summary.rollbackMs).to.equal(2_400);
    expect(summary.rollbackCompletedMs).to.equal(10_000);
    expect(trafficWindows(failed).get("local-eu/fra")).to.deep.equal([
      { from: T0 + 4000, to: T0 + 10_000 },
      { from: T0 + 10_000, to: T0 + 13_000 },
    ]);
    expect(formatSummary(summary)).to.match(/rollback \(to stable traffic\)\s+2\.4 s\s+< 5 min/);
  });

  it("shows one line per wave: done, running with its step, failed and rolled back, not started", () => {
    const running = journal(
      started,
      [1, { type: "wave-started", wave: "us" }],
      [2, { type: "wave-completed", wave: "us" }],
      [3, { type: "wave-started", wave: "eu" }],
      step(4, "step-started", "eu", 0, "shift-10", ["local-eu/fra"]),
    );
    expect(waveStatuses(running)).to.deep.equal([
      { wave: "us", state: "done", text: "2 Outposts on 2.1.0" },
      { wave: "eu", state: "running", text: "shift-10: fra" },
      { wave: "apac", state: "waiting", text: "1 Outpost, waiting" },
    ]);
    const ended = journal(
      ...running.map((e): [number, JournalEventBody] => [(Date.parse(e.at) - T0) / 1000, e]),
      [
        10,
        {
          type: "stage-failed",
          wave: "eu",
          batch: 0,
          stage: "local-eu/fra",
          step: "shift-10",
          reason: "x",
        },
      ],
      [
        10,
        {
          type: "rollback-started",
          cause: "failure",
          scope: "wave",
          stages: ["local-eu/fra"],
          reason: "x",
        },
      ],
      [20, { type: "rollback-completed" }],
      [21, { type: "release-finished", outcome: "rolled-back", reason: "x" }],
    );
    expect(waveStatuses(ended).map((s) => `${s.wave} ${s.state}: ${s.text}`)).to.deep.equal([
      "us done: 2 Outposts on 2.1.0",
      "eu failed: fra failed at shift-10, rolled back",
      "apac not-started: not started",
    ]);
    expect(waveStatuses([])).to.deep.equal([]);
  });

  it("puts the fleet-wide prestage first: its batches, then done once the first wave starts", () => {
    const plan: RolloutPlan = {
      ...PLAN,
      prestage: {
        concurrency: 2,
        batches: [
          ["local-us/nyc", "local-us/iad"],
          ["local-eu/fra", "local-apac/syd"],
        ],
      },
    };
    const begun: [number, JournalEventBody] = [
      0,
      { ...(started[1] as object), plan } as JournalEventBody,
    ];
    const during = journal(
      begun,
      step(1, "step-started", "prestage", 0, "prestage", ["local-us/nyc", "local-us/iad"]),
    );
    expect(waveStatuses(during)[0]).to.deep.equal({
      wave: "prestage",
      state: "running",
      text: "batch 1 of 2",
    });
    const after = journal(begun, [5, { type: "wave-started", wave: "us" }]);
    expect(waveStatuses(after).map((s) => `${s.wave} ${s.state}`)).to.deep.equal([
      "prestage done",
      "us running",
      "eu waiting",
      "apac waiting",
    ]);
    expect(waveStatuses(after)[0].text).to.equal("4 idle colors warm on 2.1.0");
  });
});
