import { Color, COLORS, otherColor, STACK_OUTPUTS } from "../../infra/contract";
import { asArray, asNumber, asString, at, isRecord, isUnknown } from "./plain";
import { FleetResource } from "./fleet-resource";
import { isColor } from "./resource-tags";
import { TYPES } from "./types";

/** One weighted target of a load balancer, resolved to its color when we can tell. */
export interface WeightedTarget {
  /** The target group ARN (AWS) or backend name; undefined when unknown during preview. */
  readonly target?: string;
  readonly weight?: number;
  readonly color?: Color;
}

/** What actually splits traffic on one Outpost: the ALB listener or the local balancer. */
export interface TrafficSplit {
  readonly resource: FleetResource;
  readonly targets: readonly WeightedTarget[];
}

/** Where one Outpost's traffic goes, as declared (outputs, local state) and as configured (listener). */
export interface OutpostTraffic {
  readonly outpost: string;
  /** Every declaration of the active color, with the resource that makes it. */
  readonly activeColors: readonly { readonly color: unknown; readonly resource: FleetResource }[];
  readonly candidateWeight?: { readonly value: unknown; readonly resource: FleetResource };
  readonly declaredWeights?: {
    readonly weights: Partial<Record<Color, number>>;
    readonly resource: FleetResource;
  };
  readonly splits: readonly TrafficSplit[];
  /** Test listeners: they reach only the candidate color, whatever the weights. */
  readonly previews: readonly TrafficSplit[];
}

/**
 * A resource that routes traffic between the colors (it declares the active color), like the
 * local target's balancer. It serves both colors and is not a copy of either.
 */
export function isTrafficRouter(resource: FleetResource): boolean {
  return resource.type === TYPES.dynamic && resource.props.activeColor !== undefined;
}

/** The active color when every declaration agrees on one; undefined otherwise. */
export function activeColor(traffic: OutpostTraffic): Color | undefined {
  const colors = new Set(traffic.activeColors.map((d) => d.color));
  const [only] = [...colors];
  return colors.size === 1 && isColor(only) ? only : undefined;
}

/**
 * Weight by color: from the traffic split when every target resolves to a color, else from
 * the declared weights. Undefined when neither is known.
 */
export function effectiveWeights(
  traffic: OutpostTraffic,
): Partial<Record<Color, number>> | undefined {
  for (const split of traffic.splits) {
    const weights: Partial<Record<Color, number>> = {};
    let complete = split.targets.length > 0;
    for (const target of split.targets) {
      if (target.color === undefined || target.weight === undefined) complete = false;
      else weights[target.color] = (weights[target.color] ?? 0) + target.weight;
    }
    if (complete) return weights;
  }
  return traffic.declaredWeights?.weights;
}

/** The percentage of traffic each color takes, from effectiveWeights. */
export function trafficShare(traffic: OutpostTraffic): Partial<Record<Color, number>> | undefined {
  const weights = effectiveWeights(traffic);
  if (weights === undefined) return undefined;
  const total = COLORS.reduce((sum, color) => sum + (weights[color] ?? 0), 0);
  if (total === 0) return { blue: 0, green: 0 };
  return Object.fromEntries(COLORS.map((color) => [color, ((weights[color] ?? 0) * 100) / total]));
}

export function candidateOf(traffic: OutpostTraffic): Color | undefined {
  const active = activeColor(traffic);
  return active === undefined ? undefined : otherColor(active);
}

/** Traffic of every Outpost of the stack, keyed by Outpost name. */
export function fleetTraffic(resources: readonly FleetResource[]): Map<string, OutpostTraffic> {
  const builders = new Map<string, Builder>();
  const builder = (outpost: string): Builder => {
    const existing = builders.get(outpost);
    if (existing) return existing;
    const created: Builder = { outpost, activeColors: [], splits: [], previews: [] };
    builders.set(outpost, created);
    return created;
  };
  const arnColors = targetGroupColors(resources);
  const previewPorts = previewPortsOf(resources);
  for (const resource of resources) {
    if (resource.type === TYPES.stack) readOutputs(resource, builder);
    else if (resource.type === TYPES.listener && resource.outpost !== undefined) {
      const split = listenerSplit(resource, arnColors);
      if (!split) continue;
      const b = builder(resource.outpost);
      if (isPreviewListener(resource, split, previewPorts.get(resource.outpost)))
        b.previews.push(split);
      else b.splits.push(split);
    } else if (resource.type === TYPES.dynamic && resource.outpost !== undefined) {
      readLocalBalancer(resource, builder(resource.outpost));
    }
  }
  return builders;
}

type Builder = {
  outpost: string;
  activeColors: { color: unknown; resource: FleetResource }[];
  candidateWeight?: { value: unknown; resource: FleetResource };
  declaredWeights?: { weights: Partial<Record<Color, number>>; resource: FleetResource };
  splits: TrafficSplit[];
  previews: TrafficSplit[];
};

/** Each Outpost's test-listener port, from its `previewEndpoint` output. */
function previewPortsOf(resources: readonly FleetResource[]): Map<string, number> {
  const ports = new Map<string, number>();
  for (const stack of resources.filter((r) => r.type === TYPES.stack)) {
    const outposts = stack.props[STACK_OUTPUTS.outposts];
    if (!isRecord(outposts)) continue;
    for (const [outpost, entry] of Object.entries(outposts)) {
      const url = asString(at(entry, "previewEndpoint"));
      const port = url === undefined ? undefined : /^https?:\/\/[^/:]+:(\d+)/.exec(url)?.[1];
      if (port !== undefined) ports.set(outpost, Number(port));
    }
  }
  return ports;
}

/**
 * The test listener: on the port the outputs name as the preview path; without outputs, a
 * listener off port 443 that forwards to one target group.
 */
function isPreviewListener(
  resource: FleetResource,
  split: TrafficSplit,
  previewPort: number | undefined,
): boolean {
  const port = asNumber(resource.props.port);
  if (previewPort !== undefined) return port === previewPort;
  return port !== undefined && port !== 443 && split.targets.length === 1;
}

/**
 * Target group ARN to color: from the groups' own outputs (arn and Color tag), else from the
 * stack output that lists each Outpost's target groups by color.
 */
function targetGroupColors(resources: readonly FleetResource[]): Map<string, Color> {
  const colors = new Map<string, Color>();
  for (const resource of resources) {
    const arn = asString(resource.props.arn);
    if (resource.type === TYPES.targetGroup && arn !== undefined && resource.color !== undefined) {
      colors.set(arn, resource.color);
    }
  }
  for (const stack of resources.filter((r) => r.type === TYPES.stack)) {
    const outposts = stack.props[STACK_OUTPUTS.outposts];
    if (!isRecord(outposts)) continue;
    for (const entry of Object.values(outposts)) {
      for (const color of COLORS) {
        const arn = asString(at(entry, "targetGroups", color));
        if (arn !== undefined && !colors.has(arn)) colors.set(arn, color);
      }
    }
  }
  return colors;
}

function listenerSplit(
  resource: FleetResource,
  arnColors: Map<string, Color>,
): TrafficSplit | undefined {
  for (const action of asArray(resource.props.defaultActions)) {
    if (at(action, "type") !== "forward") continue;
    const groups = at(action, "forward", "targetGroups");
    const single = asString(at(action, "targetGroupArn"));
    const targets: WeightedTarget[] = Array.isArray(groups)
      ? groups.map((group) => {
          const arn = asString(at(group, "arn"));
          return {
            target: arn,
            weight: asNumber(at(group, "weight")) ?? 1,
            color: arn ? arnColors.get(arn) : undefined,
          };
        })
      : [{ target: single, weight: 1, color: single ? arnColors.get(single) : undefined }];
    return { resource, targets };
  }
  return undefined;
}

/** outputs.outposts[o]: activeColor, candidateWeight and weights by color. */
function readOutputs(stack: FleetResource, builder: (o: string) => Builder): void {
  const outposts = stack.props[STACK_OUTPUTS.outposts];
  if (!isRecord(outposts)) return;
  for (const [outpost, entry] of Object.entries(outposts)) {
    if (!isRecord(entry)) continue;
    const b = builder(outpost);
    if (entry.activeColor !== undefined && !isUnknown(entry.activeColor)) {
      b.activeColors.push({ color: entry.activeColor, resource: stack });
    }
    if (entry.candidateWeight !== undefined && !isUnknown(entry.candidateWeight)) {
      b.candidateWeight = { value: entry.candidateWeight, resource: stack };
    }
    const weights = colorNumbers(entry.weights);
    if (weights) b.declaredWeights = { weights, resource: stack };
  }
}

/**
 * The local target's balancer (a dynamic resource) declares the same state in its inputs:
 * activeColor, candidateWeight and weights by color.
 */
function readLocalBalancer(resource: FleetResource, b: Builder): void {
  const { props } = resource;
  if (props.activeColor !== undefined && !isUnknown(props.activeColor)) {
    b.activeColors.push({ color: props.activeColor, resource });
  }
  if (props.candidateWeight !== undefined && !isUnknown(props.candidateWeight)) {
    b.candidateWeight ??= { value: props.candidateWeight, resource };
  }
  const weights = colorNumbers(props.weights);
  if (weights) {
    b.splits.push({
      resource,
      targets: COLORS.map((color) => ({ target: color, weight: weights[color], color })),
    });
  }
}

function colorNumbers(value: unknown): Partial<Record<Color, number>> | undefined {
  if (!isRecord(value)) return undefined;
  const result: Partial<Record<Color, number>> = {};
  for (const color of COLORS) {
    const n = asNumber(value[color]);
    if (n !== undefined) result[color] = n;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}
