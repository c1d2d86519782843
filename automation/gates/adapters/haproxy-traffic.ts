import {
  type ColorTrafficStats,
  serversOfTargetGroups,
  trafficDelta,
} from "../../../infra/local/haproxy/traffic-figures";
import { readColorTrafficStats } from "../../../infra/local/haproxy/traffic-stats-reader";
import type { ColorTrafficSource } from "../color-traffic-source";
import type { GateTarget } from "../gate";

/** What the source needs from HAProxy: one read of a backend's per-color counters. */
export type ReadColorTrafficStats = typeof readColorTrafficStats;

/**
 * Per-color traffic on the local target, from HAProxy's per-server statistics (`show stat` on
 * the balancer's runtime socket, docs/local-target.md): the requests and 5xx answers of the
 * color's servers between two reads of their cumulative counters, and the servers' moving mean
 * response time. Broken responses (`eresp`) count as errors; failed connects (`econ`) do not,
 * because HAProxy retried them on another server and the client never saw them. After a
 * reload the counters restart, and the window then covers only the time since (a lower bound).
 */
export function haproxyTrafficSource(
  read: ReadColorTrafficStats = readColorTrafficStats,
): ColorTrafficSource {
  const readNow = (target: GateTarget) => {
    const stats = target.outputs.trafficStats;
    if (stats.kind !== "haproxy") throw new Error(`not HAProxy statistics: ${stats.kind}`);
    return read(stats.socket, stats.backend, serversOfTargetGroups(target.outputs.targetGroups));
  };
  return {
    async mark(target) {
      const reading = await readNow(target);
      return { at: reading.readAt, reading };
    },
    async since(target, color, mark) {
      const later = await readNow(target);
      const delta = trafficDelta(mark.reading as ColorTrafficStats, later).colors[color];
      return {
        requests: delta.requests,
        errors: delta.responses5xx + delta.responseErrors,
        responseTimeMs: delta.meanResponseMs,
        responseTimeStat: "average",
      };
    },
  };
}
