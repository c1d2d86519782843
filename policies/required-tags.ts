import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { COLORS } from "../infra/contract";
import { configStrings } from "./lib/config-values";
import { isRecord, isUnknown } from "./lib/plain";
import { FleetResource, fromArgs } from "./lib/fleet-resource";
import { TAG, TagMap, tagsOf } from "./lib/resource-tags";
import {
  ALWAYS_COLORED_TYPES,
  COLORED_COMPONENTS,
  OUTPOST_SCOPED_TYPES,
  TAGGABLE_TYPES,
  typeChain,
  TYPES,
  VERSIONED_TYPES,
} from "./lib/types";
import { POLICY } from "./names";

/** Tags every taggable resource carries, whatever it belongs to. */
export const BASE_TAGS = [TAG.environment, TAG.region, TAG.deploymentId] as const;

/**
 * The tags the fleet's tooling finds resources by. Outpost, Color and AppVersion apply only
 * where they mean something: target groups have a color but no version, on purpose, so that
 * a release never touches them; stack-wide resources have no Outpost.
 */
export const requiredTags: ResourceValidationPolicy = {
  name: POLICY.requiredTags,
  description:
    "Taggable resources carry Environment, Region and DeploymentId, plus Outpost, Color and AppVersion where they apply.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      expectedValues: {
        type: "object",
        additionalProperties: { type: ["string", "array"], items: { type: "string" } },
        default: {},
        description:
          "Allowed value, or list of values, per tag key; e.g. Environment: production, Outpost: the stack's Outpost names.",
      },
      exemptTypes: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Type tokens this policy skips.",
      },
    },
  },
  validateResource: (args, report) => {
    const config = args.getConfig<{ expectedValues?: unknown }>();
    if (configStrings(config, "exemptTypes").includes(args.type))
      return args.notApplicable("exempt by config");
    const resource = fromArgs(args);
    const applies =
      TAGGABLE_TYPES.includes(args.type) ||
      (args.type === TYPES.dynamic && "tags" in resource.props);
    if (!applies) return args.notApplicable("not a taggable type");
    const tags = tagsOf(resource.props);
    if (isUnknown(tags)) return;
    checkTags(resource, tags ?? {}, expectedValues(config.expectedValues), report);
  },
};

function expectedValues(value: unknown): Map<string, readonly string[]> {
  const result = new Map<string, readonly string[]>();
  if (!isRecord(value)) return result;
  for (const [key, allowed] of Object.entries(value)) {
    if (typeof allowed === "string") result.set(key, [allowed]);
    else if (Array.isArray(allowed))
      result.set(
        key,
        allowed.filter((v): v is string => typeof v === "string"),
      );
  }
  return result;
}

/** Which of the conditional tags apply to this resource. */
export function applicableTags(resource: FleetResource, tags: TagMap): string[] {
  const { type, props } = resource;
  const dynamic = type === TYPES.dynamic;
  const colored =
    ALWAYS_COLORED_TYPES.includes(type) ||
    typeChain(resource.urn).some((t) => COLORED_COMPONENTS.includes(t)) ||
    TAG.color in tags ||
    (dynamic && props.color !== undefined);
  const versioned =
    (colored && VERSIONED_TYPES.includes(type)) ||
    TAG.appVersion in tags ||
    (dynamic && props.version !== undefined);
  const outpostScoped =
    OUTPOST_SCOPED_TYPES.includes(type) || (dynamic && props.outpost !== undefined);
  return [
    ...BASE_TAGS,
    ...(outpostScoped ? [TAG.outpost] : []),
    ...(colored ? [TAG.color] : []),
    ...(versioned ? [TAG.appVersion] : []),
  ];
}

function checkTags(
  resource: FleetResource,
  tags: TagMap,
  expected: Map<string, readonly string[]>,
  report: ReportViolation,
): void {
  const required = applicableTags(resource, tags);
  const missing = required.filter((key) => tags[key] === undefined || tags[key] === "");
  if (missing.length > 0) {
    report(
      `is missing tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (required here: ${required.join(", ")}).`,
    );
  }
  const color = tags[TAG.color];
  if (typeof color === "string" && color !== "" && !(COLORS as readonly string[]).includes(color)) {
    report(`tag Color is "${color}"; it must be one of ${COLORS.join(", ")}.`);
  }
  for (const [key, allowed] of expected) {
    const value = tags[key];
    if (typeof value === "string" && value !== "" && !allowed.includes(value)) {
      report(
        `tag ${key} is "${value}"; expected ${allowed.length === 1 ? `"${allowed[0]}"` : `one of ${allowed.join(", ")}`}.`,
      );
    }
  }
  // The dynamic resources of the local target repeat outpost, color and version as inputs.
  if (resource.type === TYPES.dynamic) {
    for (const [key, input] of [
      [TAG.outpost, "outpost"],
      [TAG.color, "color"],
      [TAG.appVersion, "version"],
    ] as const) {
      const plain = resource.props[input];
      const tagged = tags[key];
      if (typeof plain === "string" && typeof tagged === "string" && plain !== tagged) {
        report(`tag ${key} is "${tagged}" but input ${input} is "${plain}".`);
      }
    }
  }
}
