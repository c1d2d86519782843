import type { EngineTimings } from "../../automation/engine/timed-engine";
import type { GateSummary } from "../../automation/gates/gate-summary";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { replay } from "../../automation/progress/release-progress";
import { describeGate } from "../../automation/progress/event-summary";
import type { LoadResult } from "../../bench/lib/http-load";
import {
  longestGap,
  percentile,
  type Spread,
  spreadOf,
  type TimeWindow,
} from "../../bench/lib/switch-gap";

/** The load on one Outpost's production endpoint during the rollout. */
export interface OutpostLoad {
  /** "<stack>/<outpost>", the journal's stage id. */
  readonly stage: string;
  readonly load: LoadResult;
}

/** What `npm run demo -- --summary FILE` writes: the use case's figures, measured. */
export interface DemoSummary {
  readonly release: string;
  readonly outposts: number;
  /** The driver's whole run, from its start to its exit. */
  readonly deployMs: number;
  readonly requests: number;
  /** Errors and timeouts seen by the load on every production endpoint. */
  readonly failedRequests: number;
  /** Of the successful answers' latencies, over the whole fleet. */
  readonly p99Ms: number;
  /** Longest time without a successful answer while an Outpost's traffic moved. */
  readonly maxSwitchGapMs: number;
  /** That gap's spread over every Outpost whose traffic moved. */
  readonly switchGaps: Spread;
  /** With an injected failure: from the failed gate until the load saw only the stable version. */
  readonly rollbackMs?: number;
  /** With an injected failure: from the failed gate until the journal's rollback-completed. */
  readonly rollbackCompletedMs?: number;
  /** Time with an engine call in flight, against the rest of the driver (gates, bakes). */
  readonly engineMs?: number;
  readonly driverMs?: number;
  /** Outpost -> the version its production endpoint serves at the end. */
  readonly versions: Readonly<Record<string, string>>;
  /** How each staging Outpost's test gates ended in wave 0, with their figures. */
  readonly stagingTests: readonly {
    readonly stage: string;
    readonly gates: readonly GateSummary[];
  }[];
}

export interface SummaryInput {
  readonly release: string;
  readonly loads: readonly OutpostLoad[];
  readonly events: readonly JournalEvent[];
  readonly deployMs: number;
  readonly timings?: EngineTimings;
  readonly versions: Readonly<Record<string, string>>;
  /** The version the fleet ran before; set when a failure was injected. */
  readonly stableVersion?: string;
}

const time = (event: { readonly at: string }) => Date.parse(event.at);
const movesTraffic = (step: string) => step === "flip" || step.startsWith("shift-");

/**
 * When each Outpost's traffic moved: every shift and flip step (from its start to its end, or
 * to the failure that ended it), and a rollback's traffic phase for the stages it moved back.
 */
export function trafficWindows(events: readonly JournalEvent[]): Map<string, TimeWindow[]> {
  const windows = new Map<string, TimeWindow[]>();
  const add = (stage: string, window: TimeWindow) =>
    windows.set(stage, [...(windows.get(stage) ?? []), window]);
  const end = events.length > 0 ? time(events[events.length - 1]) : 0;
  events.forEach((event, i) => {
    if (event.type === "step-started" && movesTraffic(event.step)) {
      const finish = events
        .slice(i + 1)
        .find(
          (e) =>
            (e.type === "step-completed" &&
              e.step === event.step &&
              e.wave === event.wave &&
              e.batch === event.batch) ||
            (e.type === "stage-failed" && e.wave === event.wave && e.batch === event.batch),
        );
      for (const stage of event.stages)
        add(stage, { from: time(event), to: finish ? time(finish) : end });
    }
    if (event.type === "rollback-started") {
      for (const stage of event.stages) {
        const stack = stage.split("/")[0];
        const back = events
          .slice(i + 1)
          .find(
            (e) =>
              e.type === "rollback-step-completed" && e.phase === "traffic" && e.stack === stack,
          );
        add(stage, { from: time(event), to: back ? time(back) : end });
      }
    }
  });
  return windows;
}

/** The summary of one demo run, from the load's own samples, the journal and the timings. */
export function summarize(input: SummaryInput): DemoSummary {
  const windows = trafficWindows(input.events);
  const gaps: number[] = [];
  for (const { stage, load } of input.loads) {
    const answers = load.samples.map((s) => ({
      at: load.startedAt + s.at,
      ok: s.status >= 200 && s.status < 300,
    }));
    const stageWindows = windows.get(stage) ?? [];
    if (stageWindows.length > 0) {
      gaps.push(Math.max(...stageWindows.map((window) => longestGap(answers, window))));
    }
  }
  const latencies = input.loads.flatMap(({ load }) =>
    load.samples.filter((s) => s.status >= 200 && s.status < 300).map((s) => s.latencyMs),
  );
  const switchGaps = spreadOf(gaps);
  return {
    release: input.release,
    outposts: input.loads.length,
    deployMs: input.deployMs,
    requests: input.loads.reduce((sum, { load }) => sum + load.total, 0),
    failedRequests: input.loads.reduce((sum, { load }) => sum + load.failed, 0),
    p99Ms: percentile(latencies, 99),
    maxSwitchGapMs: switchGaps.max,
    switchGaps,
    ...(input.stableVersion === undefined
      ? {}
      : rollbackFigures(input.events, input.loads, input.stableVersion)),
    ...(input.timings === undefined
      ? {}
      : { engineMs: input.timings.engineMs, driverMs: input.timings.driverMs }),
    versions: input.versions,
    stagingTests: [...(replay(input.events)?.testResults ?? [])].map(([stage, gates]) => ({
      stage,
      gates,
    })),
  };
}

/** From the first failed gate: until the moved Outposts serve only `stable`, and until the journal says done. */
export function rollbackFigures(
  events: readonly JournalEvent[],
  loads: readonly OutpostLoad[],
  stable: string,
): { rollbackMs?: number; rollbackCompletedMs?: number } {
  const failed = events.find((e) => e.type === "stage-failed");
  if (failed === undefined) return {};
  const failedAt = time(failed);
  const rollback = events.find((e) => e.type === "rollback-started");
  const moved = new Set(rollback?.type === "rollback-started" ? rollback.stages : []);
  let lastOther = failedAt;
  for (const { stage, load } of loads) {
    if (!moved.has(stage)) continue;
    for (const sample of load.samples) {
      if (sample.version !== undefined && sample.version !== stable) {
        lastOther = Math.max(lastOther, load.startedAt + sample.at);
      }
    }
  }
  const completed = events.find((e) => e.type === "rollback-completed");
  return {
    rollbackMs: lastOther - failedAt,
    ...(completed ? { rollbackCompletedMs: time(completed) - failedAt } : {}),
  };
}

/** The summary as a table, each figure beside the use case's target. */
export function formatSummary(summary: DemoSummary): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const consistent = new Set(Object.values(summary.versions)).size === 1;
  const rows: [string, string, string][] = [
    ["Outposts", String(summary.outposts), "12 (50+ planned)"],
    ["whole-fleet deploy", seconds(summary.deployMs), "< 30 min"],
    ["requests / failed", `${summary.requests} / ${summary.failedRequests}`, "0 failed"],
    ["p99 latency", `${summary.p99Ms} ms`, ""],
    [
      "switchover gap p50 / p99 / max",
      `${summary.switchGaps.p50} / ${summary.switchGaps.p99} / ${summary.switchGaps.max} ms`,
      "< 1000 ms",
    ],
  ];
  if (summary.rollbackMs !== undefined) {
    rows.push(["rollback (to stable traffic)", seconds(summary.rollbackMs), "< 5 min"]);
  }
  if (summary.rollbackCompletedMs !== undefined) {
    rows.push(["rollback (journal complete)", seconds(summary.rollbackCompletedMs), ""]);
  }
  if (summary.engineMs !== undefined && summary.driverMs !== undefined) {
    rows.push([
      "engine / rest of the driver",
      `${seconds(summary.engineMs)} / ${seconds(summary.driverMs)}`,
      "",
    ]);
  }
  rows.push([
    "version consistency",
    consistent ? `100% (${Object.values(summary.versions)[0]})` : versionsText(summary.versions),
    "100%",
  ]);
  const width = (i: number) => Math.max(...rows.map((row) => row[i].length));
  const line = (row: readonly string[]) =>
    `  ${row[0].padEnd(width(0))}  ${row[1].padEnd(width(1))}  ${row[2]}`.trimEnd();
  const tests = summary.stagingTests.flatMap(({ stage, gates }) => [
    `  ${stage}`,
    ...gates.map((gate) => `    ${describeGate(gate)}`),
  ]);
  return [
    line(["figure", "measured", "target"]),
    ...rows.map(line),
    ...(tests.length > 0 ? ["staging test gates (wave 0):", ...tests] : []),
  ].join("\n");
}

function versionsText(versions: Readonly<Record<string, string>>): string {
  const counts = new Map<string, number>();
  for (const version of Object.values(versions))
    counts.set(version, (counts.get(version) ?? 0) + 1);
  return [...counts].map(([version, n]) => `${n} on ${version}`).join(", ");
}
