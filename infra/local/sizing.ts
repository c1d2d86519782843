import { Color, COLORS, OutpostDeploymentState } from "../contract";
import { OutpostConfig } from "../config";
import { colorCapacity } from "../listener-weights";

/** HAProxy accepts server weights from 0 to 256. */
export const HAPROXY_MAX_WEIGHT = 256;

/**
 * Processes a color's pool runs: the ASG's desired size, or 0 for an idle color that is
 * neither warm nor taking traffic (the same rule as the AWS target, see infra/listener-weights.ts).
 */
export function poolSize(
  state: OutpostDeploymentState,
  color: Color,
  capacity: OutpostConfig["capacity"],
): number {
  return colorCapacity(state, color, capacity).desired;
}

/**
 * Per-server HAProxy weights that give each color its percent of traffic under roundrobin,
 * whatever the two pools' sizes: a color's share is the sum of its servers' weights. Equal
 * pools keep the percent as it is (90/10 reads as 90/10 in `show servers state`); unequal
 * pools are scaled by their size and, when needed, down into HAProxy's 0-256 range. A color
 * with a share keeps at least weight 1, so a 1% canary never rounds to nothing.
 */
export function serverWeights(
  percent: Readonly<Record<Color, number>>,
  counts: Readonly<Record<Color, number>>,
): Record<Color, number> {
  const largest = Math.max(1, ...COLORS.map((c) => counts[c]));
  const raw = Object.fromEntries(
    COLORS.map((c) => [c, counts[c] === 0 ? 0 : (percent[c] * largest) / counts[c]]),
  ) as Record<Color, number>;
  const peak = Math.max(...COLORS.map((c) => raw[c]));
  const scale = peak > HAPROXY_MAX_WEIGHT ? HAPROXY_MAX_WEIGHT / peak : 1;
  return Object.fromEntries(
    COLORS.map((c) => [c, raw[c] === 0 ? 0 : Math.max(1, Math.round(raw[c] * scale))]),
  ) as Record<Color, number>;
}
