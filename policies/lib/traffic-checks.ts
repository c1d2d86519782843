import { ReportViolation } from "@pulumi/policy";
import { Color, COLORS, otherColor } from "../../infra/contract";
import { asNumber, isUnknown } from "./plain";
import { FleetResource } from "./fleet-resource";
import { isColor } from "./resource-tags";
import { activeColor, OutpostTraffic, TrafficSplit } from "./traffic-split";
import { TYPES } from "./types";

/** Share (percent) of two declared numbers may differ by rounding only. */
const SHARE_TOLERANCE = 0.5;

/**
 * The traffic half of blue/green symmetry: exactly one active color, a candidate weight of
 * 0-100, a split that sends each color what the declared state says, a test listener that
 * reaches only the candidate, and no traffic to a color without capacity.
 */
export function checkTraffic(
  outpost: string,
  traffic: OutpostTraffic,
  colored: readonly FleetResource[],
  report: ReportViolation,
): void {
  const declared = [...new Set(traffic.activeColors.map((d) => d.color))];
  const invalid = declared.filter((c) => !isColor(c));
  if (invalid.length > 0) {
    report(
      `Outpost ${outpost} declares active color ${invalid.map((c) => JSON.stringify(c)).join(", ")}; it must be blue or green.`,
      traffic.activeColors[0].resource.urn,
    );
    return;
  }
  if (declared.length > 1) {
    const who = traffic.activeColors
      .map((d) => `${d.resource.name}: ${String(d.color)}`)
      .join(", ");
    report(
      `Outpost ${outpost} has ${declared.length} active colors (${who}); exactly one color is active.`,
      traffic.activeColors[0].resource.urn,
    );
    return;
  }
  const active = activeColor(traffic)!;
  const candidate = otherColor(active);

  let candidateWeight: number | undefined;
  if (traffic.candidateWeight) {
    const value = traffic.candidateWeight.value;
    const n = typeof value === "number" ? value : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 100) {
      report(
        `Outpost ${outpost} candidate weight is ${JSON.stringify(value)}; it must be a whole number from 0 to 100.`,
        traffic.candidateWeight.resource.urn,
      );
    } else candidateWeight = n;
  }

  for (const preview of traffic.previews) checkPreview(outpost, preview, candidate, report);

  for (const split of traffic.splits) {
    const weights = checkSplit(outpost, split, report);
    if (weights === undefined) continue;
    const total = weights.blue + weights.green;
    const share = total === 0 ? 0 : (weights[candidate] * 100) / total;
    if (candidateWeight !== undefined && Math.abs(share - candidateWeight) > SHARE_TOLERANCE) {
      report(
        `Outpost ${outpost}: ${split.resource.name} sends ${round(share)}% to ${candidate} (candidate), ` +
          `but the declared candidate weight is ${candidateWeight}% (active ${active}).`,
        split.resource.urn,
      );
    }
    const declaredWeights = traffic.declaredWeights;
    if (declaredWeights && declaredWeights.resource !== split.resource) {
      const mismatch = COLORS.filter(
        (c) =>
          declaredWeights.weights[c] !== undefined && declaredWeights.weights[c] !== weights[c],
      );
      if (mismatch.length > 0) {
        report(
          `Outpost ${outpost}: ${split.resource.name} weights ${JSON.stringify(weights)} differ from the declared ` +
            `${JSON.stringify(declaredWeights.weights)} (${declaredWeights.resource.name}).`,
          split.resource.urn,
        );
      }
    }
    for (const color of COLORS) {
      if (weights[color] > 0) checkCapacity(outpost, color, colored, split, report);
    }
  }
}

/** The test listener reaches the candidate alone: it is how a release is tested unexposed. */
function checkPreview(
  outpost: string,
  preview: TrafficSplit,
  candidate: Color,
  report: ReportViolation,
): void {
  if (preview.targets.some((t) => t.color === undefined)) return;
  const colors = preview.targets.map((t) => t.color!);
  if (colors.length !== 1 || colors[0] !== candidate) {
    report(
      `Outpost ${outpost}: ${preview.resource.name} (the test listener) forwards to ${colors.join(", ") || "nothing"}; ` +
        `it must forward only to the candidate color, ${candidate}.`,
      preview.resource.urn,
    );
  }
}

/** Weights by color when the split names each color once with a valid weight. */
function checkSplit(
  outpost: string,
  split: TrafficSplit,
  report: ReportViolation,
): Record<Color, number> | undefined {
  // A target we can't resolve to a color (unknown ARN during preview) leaves nothing to compare.
  if (split.targets.some((t) => t.color === undefined)) return undefined;
  const colors = split.targets.map((t) => t.color!);
  const missing = COLORS.filter((c) => !colors.includes(c));
  const doubled = COLORS.filter((c) => colors.filter((x) => x === c).length > 1);
  if (missing.length > 0 || doubled.length > 0) {
    report(
      `Outpost ${outpost}: ${split.resource.name} forwards to ${colors.join(", ") || "nothing"}; ` +
        "it must forward to each color exactly once, the idle one at weight 0.",
      split.resource.urn,
    );
    return undefined;
  }
  const weights = { blue: 0, green: 0 };
  for (const target of split.targets) {
    const w = target.weight;
    if (w === undefined || !Number.isInteger(w) || w < 0 || w > 999) {
      report(
        `Outpost ${outpost}: ${split.resource.name} gives ${target.color} weight ${JSON.stringify(w)}; weights are whole numbers from 0 to 999.`,
        split.resource.urn,
      );
      return undefined;
    }
    weights[target.color!] = w;
  }
  if (weights.blue + weights.green === 0) {
    report(
      `Outpost ${outpost}: ${split.resource.name} gives both colors weight 0, so it serves no traffic.`,
      split.resource.urn,
    );
    return undefined;
  }
  return weights;
}

/** A color that takes traffic must have instances (an ASG, or a local pool's count, above zero). */
function checkCapacity(
  outpost: string,
  color: Color,
  colored: readonly FleetResource[],
  split: TrafficSplit,
  report: ReportViolation,
): void {
  const groups = colored.filter(
    (r) => r.color === color && (r.type === TYPES.autoScalingGroup || r.type === TYPES.dynamic),
  );
  for (const group of groups) {
    const field = group.type === TYPES.autoScalingGroup ? "desiredCapacity" : "count";
    const raw = group.props[field];
    if (isUnknown(raw)) continue;
    const size = asNumber(raw);
    if (size === 0) {
      report(
        `Outpost ${outpost}: ${split.resource.name} sends traffic to ${color}, but ${group.name} has ${field} 0.`,
        group.urn,
      );
    }
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
