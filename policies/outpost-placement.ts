import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { configRecords } from "./lib/config-values";
import { skipResource } from "./lib/notes";
import { asArray, asString, at, isRecord, isUnknown, stringsOf } from "./lib/plain";
import { FleetResource, fromArgs } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/** Where one Outpost's resources may go: the fleet config's outposts[] entry. */
export interface DeclaredPlacement {
  readonly name: string;
  readonly arn: string;
  readonly subnetId: string;
  readonly vpcId?: string;
  /** In-region subnets an extended cluster's control plane may use. */
  readonly regionSubnetIds?: readonly string[];
}

const PLACED_TYPES = [
  TYPES.autoScalingGroup,
  TYPES.loadBalancer,
  TYPES.eksCluster,
  TYPES.instance,
  TYPES.targetGroup,
  TYPES.securityGroup,
];

/**
 * Capacity on an Outpost exists only in its own subnet: a resource placed anywhere else
 * either fails to launch or, worse, runs in the region and breaks the Outpost's latency and
 * data-residency promises.
 */
export const outpostPlacement: ResourceValidationPolicy = {
  name: POLICY.outpostPlacement,
  description:
    "ASGs, ALBs, instances and EKS control planes sit only in the Outpost subnets, VPCs and ARNs declared in the config.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      outposts: {
        type: "array",
        description:
          "The stack's Outposts: name, arn, subnetId, vpcId and (extended clusters) regionSubnetIds.",
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            arn: { type: "string" },
            subnetId: { type: "string" },
            vpcId: { type: "string" },
            regionSubnetIds: { type: "array", items: { type: "string" } },
          },
          required: ["name", "arn", "subnetId"],
        },
      },
    },
  },
  validateResource: (args, report) => {
    const outposts = declaredPlacements(args.getConfig());
    if (outposts.length === 0)
      return skipResource(args, report, POLICY.outpostPlacement, ["outposts"]);
    if (!PLACED_TYPES.includes(args.type as (typeof PLACED_TYPES)[number])) {
      return args.notApplicable("not a placed type");
    }
    checkPlacement(fromArgs(args), outposts, report);
  },
};

export function declaredPlacements(config: object): DeclaredPlacement[] {
  return configRecords(config, "outposts").flatMap((entry) => {
    const name = asString(entry.name);
    const arn = asString(entry.arn);
    const subnetId = asString(entry.subnetId);
    if (!name || !arn || !subnetId) return [];
    return [
      {
        name,
        arn,
        subnetId,
        vpcId: asString(entry.vpcId),
        regionSubnetIds: stringsOf(entry.regionSubnetIds),
      },
    ];
  });
}

function checkPlacement(
  resource: FleetResource,
  outposts: readonly DeclaredPlacement[],
  report: ReportViolation,
): void {
  const own = outposts.find((o) => o.name === resource.outpost);
  if (resource.outpost !== undefined && own === undefined) {
    report(
      `belongs to Outpost "${resource.outpost}" (tag Outpost), which the config does not declare; declared: ${outposts.map((o) => o.name).join(", ")}.`,
    );
    return;
  }
  // Without an Outpost tag (required-tags reports that) any declared Outpost's place is accepted.
  const candidates = own ? [own] : outposts;
  const where = own ? `Outpost ${own.name}` : "any declared Outpost";
  const subnets = candidates.map((o) => o.subnetId);
  const { props } = resource;

  const onlyIn = (field: string, value: unknown, allowed: readonly string[], what: string) => {
    if (isUnknown(value)) return;
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (list.some(isUnknown)) return;
    const outside = list.filter((v) => typeof v !== "string" || !allowed.includes(v));
    if (list.length === 0)
      report(`sets no ${field}; it must name the ${what} of ${where} (${allowed.join(", ")}).`);
    else if (outside.length > 0) {
      report(
        `${field} has ${outside.map((v) => JSON.stringify(v)).join(", ")}, outside the ${what} of ${where} (${allowed.join(", ")}).`,
      );
    }
  };

  switch (resource.type) {
    case TYPES.autoScalingGroup:
      return onlyIn("vpcZoneIdentifiers", props.vpcZoneIdentifiers, subnets, "subnet");
    case TYPES.instance:
      return onlyIn("subnetId", props.subnetId, subnets, "subnet");
    case TYPES.loadBalancer: {
      const mapped = asArray(props.subnetMappings).map((m) => at(m, "subnetId"));
      const value = mapped.length > 0 ? mapped : props.subnets;
      onlyIn(mapped.length > 0 ? "subnetMappings" : "subnets", value, subnets, "subnet");
      // An ALB on an Outpost lives in exactly one subnet, the Outpost's.
      if (Array.isArray(value) && value.length > 1)
        report(`spans ${value.length} subnets; an Outpost ALB uses exactly one.`);
      return;
    }
    case TYPES.eksCluster:
      return checkCluster(resource, candidates, onlyIn);
    default: {
      const vpcs = candidates.flatMap((o) => (o.vpcId ? [o.vpcId] : []));
      if (vpcs.length > 0) onlyIn("vpcId", props.vpcId, vpcs, "VPC");
    }
  }
}

function checkCluster(
  resource: FleetResource,
  candidates: readonly DeclaredPlacement[],
  onlyIn: (field: string, value: unknown, allowed: readonly string[], what: string) => void,
): void {
  const outpostConfig = resource.props.outpostConfig;
  const subnetIds = at(resource.props, "vpcConfig", "subnetIds");
  if (isRecord(outpostConfig)) {
    // A local cluster: its control plane runs on the Outpost itself.
    onlyIn(
      "outpostConfig.outpostArns",
      outpostConfig.outpostArns,
      candidates.map((o) => o.arn),
      "Outpost ARN",
    );
    onlyIn(
      "vpcConfig.subnetIds",
      subnetIds,
      candidates.map((o) => o.subnetId),
      "subnet",
    );
  } else if (!isUnknown(outpostConfig)) {
    const regionSubnets = candidates.flatMap((o) => o.regionSubnetIds ?? []);
    onlyIn("vpcConfig.subnetIds", subnetIds, regionSubnets, "in-region subnets (regionSubnetIds)");
  }
}
