import { Color } from "../../contract";
import { colorTraffic, ColorTrafficStats } from "./traffic-figures";
import { runtimeCommand } from "./runtime-client";
import { counterLifetime, parseShowInfo } from "./show-info";
import { parseStatsCsv } from "./stats-csv";

/**
 * Reads one backend's per-color traffic from a live HAProxy: `show info` (whose worker the
 * counters belong to) and `show stat <backend> -1 -1` in one runtime API call, so both
 * describe the same moment. `serversByColor` names each color's servers, bare (`blue-1`) or
 * as the Outpost's `targetGroups` output does (`storefront/blue-1`; see serversOfTargetGroups).
 * The gates call it twice and subtract (trafficDelta); see docs/local-target.md.
 */
export async function readColorTrafficStats(
  socketPath: string,
  backend: string,
  serversByColor: Readonly<Record<Color, readonly string[]>>,
  timeoutMs = 5_000,
): Promise<ColorTrafficStats> {
  const answer = await runtimeCommand(
    socketPath,
    ["show info", `show stat ${backend} -1 -1`],
    timeoutMs,
  ).catch((error: unknown) => {
    if (error instanceof Error && /^No such proxy/m.test(error.message)) {
      throw new Error(`HAProxy at ${socketPath} has no backend ${backend}`);
    }
    throw error;
  });
  const readAt = Date.now();
  const csvStart = answer.indexOf("# pxname,");
  const info = parseShowInfo(csvStart === -1 ? answer : answer.slice(0, csvStart));
  return colorTraffic(
    parseStatsCsv(answer),
    backend,
    serversByColor,
    counterLifetime(info),
    readAt,
  );
}
