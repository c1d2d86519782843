import { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { Color } from "../../infra/contract";
import { isRecord, PlainRecord, toPlain } from "./plain";
import { colorOf, outpostOf } from "./resource-tags";

/**
 * One resource as the policies see it: plain props (unknowns marked), plus the Outpost and
 * color it belongs to. The same shape for resource and stack policies, so helpers serve both.
 */
export interface FleetResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: PlainRecord;
  readonly outpost?: string;
  readonly color?: Color;
}

export function fleetResource(source: {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
}): FleetResource {
  const plain = toPlain(source.props);
  const props = isRecord(plain) ? plain : {};
  return {
    urn: source.urn,
    type: source.type,
    name: source.name,
    props,
    outpost: outpostOf(source.type, props),
    color: colorOf(props),
  };
}

export function fromArgs(args: ResourceValidationArgs): FleetResource {
  return fleetResource(args);
}

export function fromStack(resources: readonly PolicyResource[]): FleetResource[] {
  return resources.map(fleetResource);
}

/** Resources grouped by Outpost; resources that name no Outpost are left out. */
export function byOutpost(resources: readonly FleetResource[]): Map<string, FleetResource[]> {
  const groups = new Map<string, FleetResource[]>();
  for (const resource of resources) {
    if (resource.outpost === undefined) continue;
    const group = groups.get(resource.outpost) ?? [];
    group.push(resource);
    groups.set(resource.outpost, group);
  }
  return groups;
}
