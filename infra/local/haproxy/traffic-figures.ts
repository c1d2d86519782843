import { Color, COLORS } from "../../contract";
import { StatsRow } from "./stats-csv";

/**
 * One color's (or a backend's) traffic as HAProxy counted it. Counters are cumulative over the
 * lifetime of the HAProxy worker (see ColorTrafficStats.counters); subtract two reads to get
 * the traffic in between (trafficDelta). Times are in milliseconds.
 */
export interface TrafficFigures {
  /** HTTP requests HAProxy sent to these servers (`req_tot`). */
  readonly requests: number;
  /** Of those, answers with a 5xx status (`hrsp_5xx`); a backend also counts HAProxy's own 5xx. */
  readonly responses5xx: number;
  /** Connection attempts that failed (`econ`); HAProxy retries them on another server. */
  readonly connectionErrors: number;
  /** Responses that broke off or could not be read (`eresp`). */
  readonly responseErrors: number;
  /**
   * Mean time to the response headers over each server's last 1024 requests (`rtime`), the
   * servers weighted by how many requests their mean covers. A moving mean, not a counter.
   */
  readonly meanResponseMs: number;
  /** The same for the whole request: queue, connect, response and body (`ttime`). */
  readonly meanTotalMs: number;
  /** Slowest response headers since the counters started (`rtime_max`). */
  readonly maxResponseMs: number;
  /** Server rows summed; 0 for a backend's own row. */
  readonly servers: number;
}

/** Per-color figures of one backend, read at one moment. */
export interface ColorTrafficStats {
  readonly backend: string;
  /** `<worker pid>@<start time>`: a reload or restart starts new counters from zero. */
  readonly counters: string;
  /** When HAProxy answered, ms since the epoch. */
  readonly readAt: number;
  readonly colors: Readonly<Record<Color, TrafficFigures>>;
  /** The backend's own row: both colors plus HAProxy's own answers (503 with no server up). */
  readonly backendTotal: TrafficFigures;
}

/** How many requests HAProxy's moving means (rtime, ttime) cover at most, per server. */
export const MOVING_MEAN_WINDOW = 1024;

function weightedMean(rows: readonly StatsRow[], pick: (row: StatsRow) => number): number {
  const weights = rows.map((row) => Math.min(row.requests, MOVING_MEAN_WINDOW));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0) return 0;
  return rows.reduce((sum, row, i) => sum + pick(row) * weights[i], 0) / total;
}

/** Sums server rows into one set of figures. */
export function sumFigures(rows: readonly StatsRow[]): TrafficFigures {
  const sum = (pick: (row: StatsRow) => number) => rows.reduce((acc, row) => acc + pick(row), 0);
  return {
    requests: sum((r) => r.requests),
    responses5xx: sum((r) => r.responses5xx),
    connectionErrors: sum((r) => r.connectionErrors),
    responseErrors: sum((r) => r.responseErrors),
    meanResponseMs: weightedMean(rows, (r) => r.meanResponseMs),
    meanTotalMs: weightedMean(rows, (r) => r.meanTotalMs),
    maxResponseMs: Math.max(0, ...rows.map((r) => r.maxResponseMs)),
    servers: rows.filter((r) => r.kind === "server").length,
  };
}

/**
 * A server name as the balancer's outputs give it (`targetGroups`: `backend/server`), or bare.
 * A qualified name must be of this backend.
 */
function serverName(backend: string, name: string): string {
  const slash = name.indexOf("/");
  if (slash === -1) return name;
  if (name.slice(0, slash) !== backend) {
    throw new Error(`server ${name} is not in backend ${backend}`);
  }
  return name.slice(slash + 1);
}

/** The `targetGroups` output of a local Outpost (comma-separated `backend/server`) as lists. */
export function serversOfTargetGroups(
  targetGroups: Readonly<Record<Color, string>>,
): Record<Color, string[]> {
  return Object.fromEntries(
    COLORS.map((c) => [c, targetGroups[c].split(",").filter((name) => name !== "")]),
  ) as Record<Color, string[]>;
}

/**
 * Sums each color's servers of one backend. Every named server must be in the answer: a
 * missing one means the names come from another balancer, or its config is stale.
 */
export function colorTraffic(
  rows: readonly StatsRow[],
  backend: string,
  serversByColor: Readonly<Record<Color, readonly string[]>>,
  counters: string,
  readAt: number,
): ColorTrafficStats {
  const servers = new Map(
    rows.filter((r) => r.proxy === backend && r.kind === "server").map((r) => [r.name, r]),
  );
  const own = rows.find((r) => r.proxy === backend && r.kind === "backend");
  if (own === undefined) throw new Error(`HAProxy has no backend ${backend}`);
  const colors = Object.fromEntries(
    COLORS.map((color) => {
      const picked = serversByColor[color].map((name) => {
        const row = servers.get(serverName(backend, name));
        if (row === undefined) throw new Error(`HAProxy backend ${backend} has no server ${name}`);
        return row;
      });
      return [color, sumFigures(picked)];
    }),
  ) as Record<Color, TrafficFigures>;
  return { backend, counters, readAt, colors, backendTotal: sumFigures([own]) };
}

/** Traffic between two reads of one color. */
export interface TrafficDelta {
  readonly requests: number;
  readonly responses5xx: number;
  readonly connectionErrors: number;
  readonly responseErrors: number;
  /** The later read's moving mean (`rtime`): recent, not exactly the window's mean. */
  readonly meanResponseMs: number;
}

/** Per color, what happened between two reads of the same backend. */
export interface ColorTrafficDelta {
  readonly colors: Readonly<Record<Color, TrafficDelta>>;
  readonly elapsedMs: number;
  /**
   * True when the counters restarted in between (HAProxy reloaded or restarted): the figures
   * then cover only the time since the restart, so they are a lower bound.
   */
  readonly restarted: boolean;
}

const COUNTERS = ["requests", "responses5xx", "connectionErrors", "responseErrors"] as const;

export function trafficDelta(
  earlier: ColorTrafficStats,
  later: ColorTrafficStats,
): ColorTrafficDelta {
  if (earlier.backend !== later.backend) {
    throw new Error(`reads of different backends: ${earlier.backend} and ${later.backend}`);
  }
  const wentBack = COLORS.some((c) =>
    COUNTERS.some((k) => later.colors[c][k] < earlier.colors[c][k]),
  );
  const restarted = earlier.counters !== later.counters || wentBack;
  const colors = Object.fromEntries(
    COLORS.map((c) => {
      const delta = Object.fromEntries(
        COUNTERS.map((k) => [k, later.colors[c][k] - (restarted ? 0 : earlier.colors[c][k])]),
      ) as Record<(typeof COUNTERS)[number], number>;
      return [c, { ...delta, meanResponseMs: later.colors[c].meanResponseMs }];
    }),
  ) as Record<Color, TrafficDelta>;
  return { colors, elapsedMs: later.readAt - earlier.readAt, restarted };
}
