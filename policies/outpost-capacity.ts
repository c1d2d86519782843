import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { OUTPOST_ALB_INSTANCE_TYPES } from "../infra/config/aws-catalog";
import {
  CAPACITY_SCHEMA,
  configNumber,
  configRecords,
  INSTANCE_TYPES_SCHEMA,
} from "./lib/config-values";
import { skipResource } from "./lib/notes";
import { asArray, asNumber, asString, at, isRecord, isUnknown, stringsOf } from "./lib/plain";
import { FleetResource, fromArgs } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/** What one Outpost can run: the fleet config's instanceTypes and capacity. */
export interface DeclaredCapacity {
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly capacity: {
    readonly min: number;
    readonly desired: number;
    readonly max: number;
    readonly maxInstances: number;
  };
}

const SIZED_TYPES: readonly string[] = [
  TYPES.launchTemplate,
  TYPES.instance,
  TYPES.autoScalingGroup,
  TYPES.eksCluster,
  TYPES.loadBalancer,
];

/**
 * An Outpost has a fixed set of slots per instance type. An instance type it lacks, or an
 * ASG larger than the slots reserved for the app, fails at launch time, halfway through a
 * release; caught at preview it costs nothing.
 */
export const outpostCapacity: ResourceValidationPolicy = {
  name: POLICY.outpostCapacity,
  description:
    "Instance types come from the Outpost's list, and ASG and ALB sizes stay within the configured limits.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      outposts: {
        type: "array",
        description:
          "The stack's Outposts: name, instanceTypes and capacity {min, desired, max, maxInstances}.",
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            instanceTypes: INSTANCE_TYPES_SCHEMA,
            capacity: CAPACITY_SCHEMA,
          },
          required: ["name", "instanceTypes", "capacity"],
        },
      },
      maxLoadBalancerCapacityUnits: {
        type: "integer",
        minimum: 0,
        default: 0,
        description:
          "Most load balancer capacity units an ALB may reserve (minimumLoadBalancerCapacity); 0 allows none.",
      },
    },
  },
  validateResource: (args, report) => {
    const config = args.getConfig();
    const outposts = declaredCapacities(config);
    if (outposts.length === 0)
      return skipResource(args, report, POLICY.outpostCapacity, ["outposts"]);
    if (!SIZED_TYPES.includes(args.type)) return args.notApplicable("not a sized type");
    const resource = fromArgs(args);
    const own = outposts.find((o) => o.name === resource.outpost);
    if (resource.type === TYPES.loadBalancer) {
      if (own !== undefined) checkLoadBalancerTypes(own, report);
      return checkLoadBalancer(
        resource,
        configNumber(config, "maxLoadBalancerCapacityUnits", 0),
        report,
      );
    }
    // outpost-placement reports undeclared Outposts; required-tags reports a missing tag.
    if (own === undefined) return args.notApplicable("belongs to no declared Outpost");
    checkInstanceTypes(resource, own, report);
    if (resource.type === TYPES.autoScalingGroup) checkGroupSize(resource, own, report);
  },
};

export function declaredCapacities(config: object): DeclaredCapacity[] {
  return configRecords(config, "outposts").flatMap((entry) => {
    const name = asString(entry.name);
    const capacity = entry.capacity;
    if (!name || !isRecord(capacity)) return [];
    const [min, desired, max, maxInstances] = ["min", "desired", "max", "maxInstances"].map((k) =>
      asNumber(capacity[k]),
    );
    if (
      min === undefined ||
      desired === undefined ||
      max === undefined ||
      maxInstances === undefined
    )
      return [];
    return [
      {
        name,
        instanceTypes: stringsOf(entry.instanceTypes),
        capacity: { min, desired, max, maxInstances },
      },
    ];
  });
}

function checkInstanceTypes(
  resource: FleetResource,
  outpost: DeclaredCapacity,
  report: ReportViolation,
): void {
  const { props } = resource;
  const used: { field: string; value: unknown }[] = [];
  if (resource.type === TYPES.eksCluster) {
    used.push({
      field: "outpostConfig.controlPlaneInstanceType",
      value: at(props, "outpostConfig", "controlPlaneInstanceType"),
    });
  } else if (resource.type === TYPES.autoScalingGroup) {
    asArray(at(props, "mixedInstancesPolicy", "launchTemplate", "overrides")).forEach(
      (override, i) =>
        used.push({
          field: `mixedInstancesPolicy.launchTemplate.overrides[${i}].instanceType`,
          value: at(override, "instanceType"),
        }),
    );
  } else {
    used.push({ field: "instanceType", value: props.instanceType });
  }
  for (const { field, value } of used) {
    if (typeof value !== "string") continue;
    if (!outpost.instanceTypes.includes(value)) {
      report(
        `${field} is ${value}, which Outpost ${outpost.name} does not have; it has ${outpost.instanceTypes.join(", ")}.`,
      );
    }
  }
}

function checkGroupSize(
  resource: FleetResource,
  outpost: DeclaredCapacity,
  report: ReportViolation,
): void {
  const { props } = resource;
  const [min, max, desired] = [props.minSize, props.maxSize, props.desiredCapacity].map((v) =>
    asNumber(v),
  );
  const limit = outpost.capacity.max;
  if (max !== undefined && max > limit) {
    report(
      `maxSize is ${max}; Outpost ${outpost.name} allows at most ${limit} per group (capacity.max).`,
    );
  }
  if (min !== undefined && max !== undefined && min > max)
    report(`minSize ${min} is above maxSize ${max}.`);
  if (
    desired !== undefined &&
    ((min !== undefined && desired < min) || (max !== undefined && desired > max))
  ) {
    report(
      `desiredCapacity ${desired} is outside minSize..maxSize (${min ?? "?"}..${max ?? "?"}).`,
    );
  }
}

/** AWS runs an Outpost's ALB on the Outpost's own instances, of a few types only (aws-catalog.ts). */
function checkLoadBalancerTypes(outpost: DeclaredCapacity, report: ReportViolation): void {
  if (outpost.instanceTypes.length === 0) return;
  if (outpost.instanceTypes.some((type) => OUTPOST_ALB_INSTANCE_TYPES.includes(type))) return;
  report(
    `Outpost ${outpost.name} has no instance type an ALB on an Outpost runs on (${OUTPOST_ALB_INSTANCE_TYPES.join(", ")}); it has ${outpost.instanceTypes.join(", ")}.`,
  );
}

function checkLoadBalancer(
  resource: FleetResource,
  maxUnits: number,
  report: ReportViolation,
): void {
  const units = at(resource.props, "minimumLoadBalancerCapacity", "capacityUnits");
  if (isUnknown(units)) return;
  const value = asNumber(units);
  if (value !== undefined && value > maxUnits) {
    report(
      `reserves ${value} load balancer capacity units (minimumLoadBalancerCapacity); at most ${maxUnits} are allowed on this Outpost.`,
    );
  }
}
