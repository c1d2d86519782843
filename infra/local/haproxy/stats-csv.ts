/**
 * HAProxy's `show stat` answer (CSV, HAProxy management guide section 9.1), as typed rows.
 * Only the fields the gates use are kept; HAProxy 2.6 reports all of them for backends and
 * servers in HTTP mode.
 */

/** The `type` column: 0 frontend, 1 backend, 2 server, 3 listener. */
export type StatsRowKind = "frontend" | "backend" | "server" | "listener";

const KINDS: readonly StatsRowKind[] = ["frontend", "backend", "server", "listener"];

/** Counters are cumulative since the HAProxy worker started; times are in milliseconds. */
export interface StatsRow {
  /** `pxname`: the frontend or backend. */
  readonly proxy: string;
  /** `svname`: the server name, or FRONTEND / BACKEND for the proxy's own row. */
  readonly name: string;
  readonly kind: StatsRowKind;
  /** `status`: UP, DOWN, MAINT, "UP 1/3" while checks rise, no check, ... */
  readonly status: string;
  /** `req_tot`: HTTP requests sent to this server (or received by this proxy). */
  readonly requests: number;
  /** `hrsp_5xx`: responses with a 5xx status. A server counts what it answered; a backend also counts HAProxy's own 5xx (503 when no server is available, 502/504 on server errors). */
  readonly responses5xx: number;
  /** `econ`: requests that failed to connect to a server (a retry may have saved the client). */
  readonly connectionErrors: number;
  /** `eresp`: responses that broke off or could not be read, including server aborts. */
  readonly responseErrors: number;
  /** `rtime`: mean time to the response's headers over the last 1024 requests; 0 before any. */
  readonly meanResponseMs: number;
  /** `ttime`: mean total time of a request (queue, connect, response, data) over the last 1024 requests. */
  readonly meanTotalMs: number;
  /** `rtime_max`: the slowest response headers seen since the counters started. */
  readonly maxResponseMs: number;
  /** `ttime_max`: the longest total request time seen since the counters started. */
  readonly maxTotalMs: number;
}

/** CSV columns read, by the StatsRow field they fill. */
export const STATS_FIELDS = {
  requests: "req_tot",
  responses5xx: "hrsp_5xx",
  connectionErrors: "econ",
  responseErrors: "eresp",
  meanResponseMs: "rtime",
  meanTotalMs: "ttime",
  maxResponseMs: "rtime_max",
  maxTotalMs: "ttime_max",
} as const;

type NumberField = keyof typeof STATS_FIELDS;

/** An empty cell is a counter HAProxy does not keep for that row (e.g. rtime on a frontend): 0. */
function count(cell: string | undefined, column: string, line: string): number {
  if (cell === undefined || cell === "") return 0;
  const value = Number(cell);
  if (!Number.isFinite(value)) {
    throw new Error(`"show stat" column ${column} is ${JSON.stringify(cell)} in: ${line}`);
  }
  return value;
}

/**
 * Parses `show stat`: a `# pxname,svname,...` header naming the columns (their order depends
 * on the HAProxy version), then one line per proxy or server. Throws when the header or a
 * column the gates need is missing, quoting what HAProxy said.
 */
export function parseStatsCsv(text: string): StatsRow[] {
  const lines = text.split("\n").map((line) => line.trim());
  const headerIndex = lines.findIndex((line) => line.startsWith("# pxname,"));
  if (headerIndex === -1) {
    throw new Error(`unexpected answer to "show stat": ${JSON.stringify(text.slice(0, 200))}`);
  }
  const columns = lines[headerIndex].slice(2).split(",");
  const index = (name: string) => {
    const at = columns.indexOf(name);
    if (at === -1) throw new Error(`"show stat" has no ${name} column; HAProxy 2.4+ is needed`);
    return at;
  };
  const fixed = { proxy: index("pxname"), name: index("svname"), type: index("type") };
  const status = index("status");
  const numbers = Object.entries(STATS_FIELDS).map(
    ([field, column]) => [field as NumberField, column, index(column)] as const,
  );
  return lines
    .slice(headerIndex + 1)
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const cells = line.split(",");
      const kind = KINDS[Number(cells[fixed.type])];
      if (kind === undefined) throw new Error(`"show stat" line of unknown type: ${line}`);
      const row: Record<string, string | number> = {
        proxy: cells[fixed.proxy],
        name: cells[fixed.name],
        kind,
        status: cells[status] ?? "",
      };
      for (const [field, column, at] of numbers) row[field] = count(cells[at], column, line);
      return row as unknown as StatsRow;
    });
}
