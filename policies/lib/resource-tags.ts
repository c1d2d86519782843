import { OUTPOST_NODE_LABEL } from "../../infra/aws/node-bootstrap";
import { Color, COLORS } from "../../infra/contract";
import { ingressTags, isAlbIngress } from "./ingress";
import { asArray, asString, at, isRecord, isUnknown, PlainRecord, UNKNOWN, Unknown } from "./plain";
import { TYPES } from "./types";

export type TagMap = Readonly<Record<string, string | Unknown>>;

/** Tag keys of the stack contract (see REQUIRED_TAGS in infra/contract.ts). */
export const TAG = {
  environment: "Environment",
  appVersion: "AppVersion",
  region: "Region",
  outpost: "Outpost",
  color: "Color",
  deploymentId: "DeploymentId",
  fingerprint: "Fingerprint",
} as const;

/**
 * A resource's own tags, whatever their shape: the AWS `tags` map, the ASG's list of
 * {key, value}, or a dynamic resource's `tags` input. UNKNOWN when the whole set is unknown;
 * undefined when the resource has none.
 */
export function tagsOf(props: PlainRecord): TagMap | Unknown | undefined {
  const tags = props.tags;
  if (isUnknown(tags)) return UNKNOWN;
  if (Array.isArray(tags)) {
    const map: Record<string, string | Unknown> = {};
    for (const entry of tags) {
      const key = asString(at(entry, "key"));
      const value = at(entry, "value");
      if (key !== undefined) map[key] = isUnknown(value) ? UNKNOWN : String(value ?? "");
    }
    return map;
  }
  if (isRecord(tags)) {
    const map: Record<string, string | Unknown> = {};
    for (const [key, value] of Object.entries(tags)) {
      if (value !== undefined && value !== null)
        map[key] = isUnknown(value) ? UNKNOWN : String(value);
    }
    return map;
  }
  return undefined;
}

/** Tags a launch template stamps on what it launches (instances, volumes). */
export function launchedTags(props: PlainRecord): TagMap[] {
  return asArray(props.tagSpecifications).flatMap((spec) => {
    const tags = at(spec, "tags");
    return isRecord(tags) ? [tagsOf({ tags }) as TagMap] : [];
  });
}

export function tagValue(
  tags: TagMap | Unknown | undefined,
  key: string,
): string | Unknown | undefined {
  if (tags === undefined) return undefined;
  if (isUnknown(tags)) return UNKNOWN;
  return tags[key];
}

export function isColor(value: unknown): value is Color {
  return typeof value === "string" && (COLORS as readonly string[]).includes(value);
}

/**
 * Which Outpost a resource belongs to: its Outpost tag, a dynamic resource's `outpost` input,
 * for a Rollout the node selector that pins it to that Outpost's nodes, or for an ALB Ingress
 * the Outpost tag it asks the controller to put on its ALB.
 */
export function outpostOf(type: string, props: PlainRecord): string | undefined {
  const tagged = tagValue(tagsOf(props), TAG.outpost);
  if (typeof tagged === "string") return tagged;
  const plain = asString(props.outpost);
  if (plain !== undefined) return plain;
  if (type === TYPES.rollout) {
    return asString(at(props, "spec", "template", "spec", "nodeSelector", OUTPOST_NODE_LABEL));
  }
  if (type === TYPES.ingress && isAlbIngress(props)) return ingressTags(props)?.[TAG.outpost];
  return undefined;
}

/** The color a resource belongs to, from its Color tag or a dynamic resource's `color` input. */
export function colorOf(props: PlainRecord): Color | undefined {
  const tagged = tagValue(tagsOf(props), TAG.color);
  if (isColor(tagged)) return tagged;
  const plain = props.color;
  return isColor(plain) ? plain : undefined;
}
