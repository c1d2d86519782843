import { eksNodeCapacity } from "../capacity";
import { ConfigProblem } from "./errors";
import { ParsedFleetConfig } from "./schema";

/**
 * Rules that span several keys, which a per-field schema cannot express. Each returns the
 * problems it finds; an empty list means the rule holds.
 */
export function crossCheck(config: ParsedFleetConfig): ConfigProblem[] {
  return [
    ...duplicateOutpostNames(config),
    ...instanceTypesOnOutpost(config),
    ...capacityOrder(config),
    ...outpostsInStackRegion(config),
    ...deploymentForKnownOutposts(config),
    ...extendedClusterSubnets(config),
    ...localFaultsOnLocalTarget(config),
  ];
}

function duplicateOutpostNames(config: ParsedFleetConfig): ConfigProblem[] {
  const seen = new Set<string>();
  return config.outposts.flatMap((outpost, index) => {
    const duplicate = seen.has(outpost.name);
    seen.add(outpost.name);
    return duplicate
      ? [
          {
            key: `outpost-fleet:outposts[${index}].name`,
            value: outpost.name,
            allowed: "must be unique; another Outpost in this stack already has this name",
          },
        ]
      : [];
  });
}

function instanceTypesOnOutpost(config: ParsedFleetConfig): ConfigProblem[] {
  return config.outposts.flatMap((outpost, index) => {
    const problems: ConfigProblem[] = [];
    const available = outpost.instanceTypes.join(", ");
    if (!outpost.instanceTypes.includes(outpost.instanceType)) {
      problems.push({
        key: `outpost-fleet:outposts[${index}].instanceType`,
        value: outpost.instanceType,
        allowed: `must be one this Outpost has: ${available}`,
      });
    }
    const kind = outpost.clusterKind ?? config.eks.clusterKind;
    const controlPlane = config.eks.controlPlaneInstanceType;
    if (config.eks.enabled && kind === "local" && !outpost.instanceTypes.includes(controlPlane)) {
      problems.push({
        key: "outpost-fleet:eks.controlPlaneInstanceType",
        value: controlPlane,
        allowed: `must be an instance type that Outpost ${outpost.name} has for its local cluster: ${available}`,
      });
    }
    return problems;
  });
}

function capacityOrder(config: ParsedFleetConfig): ConfigProblem[] {
  return config.outposts.flatMap((outpost, index) => {
    const { min, desired, max, maxInstances } = outpost.capacity;
    const key = `outpost-fleet:outposts[${index}].capacity`;
    const problems: ConfigProblem[] = [];
    if (!(min <= desired && desired <= max)) {
      problems.push({
        key,
        value: outpost.capacity,
        allowed: "must satisfy min <= desired <= max",
      });
    }
    // Both colors are warm during a release, and on AWS the EKS nodes share the Outpost too.
    const nodes =
      config.target === "aws" && config.eks.enabled ? eksNodeCapacity(config.eks.replicas).max : 0;
    const needed = 2 * max + nodes;
    if (needed > maxInstances) {
      const why = nodes > 0 ? `2 x max + ${nodes} EKS nodes (${needed})` : `2 x max (${needed})`;
      problems.push({
        key: `${key}.maxInstances`,
        value: maxInstances,
        allowed: `must be at least ${why} so that both colors fit during a release`,
      });
    }
    return problems;
  });
}

function outpostsInStackRegion(config: ParsedFleetConfig): ConfigProblem[] {
  return config.outposts.flatMap((outpost, index) => {
    const arnRegion = outpost.arn.split(":")[3];
    const problems: ConfigProblem[] = [];
    if (arnRegion !== config.awsRegion) {
      problems.push({
        key: `outpost-fleet:outposts[${index}].arn`,
        value: outpost.arn,
        allowed: `must be an Outpost in the stack's region ${config.awsRegion}`,
      });
    }
    if (!outpost.availabilityZone.startsWith(config.awsRegion)) {
      problems.push({
        key: `outpost-fleet:outposts[${index}].availabilityZone`,
        value: outpost.availabilityZone,
        allowed: `must be a zone of ${config.awsRegion}`,
      });
    }
    return problems;
  });
}

function deploymentForKnownOutposts(config: ParsedFleetConfig): ConfigProblem[] {
  const names = new Set(config.outposts.map((outpost) => outpost.name));
  return Object.keys(config.deployment)
    .filter((name) => !names.has(name))
    .map((name) => ({
      key: `outpost-fleet:deployment.${name}`,
      value: config.deployment[name],
      allowed: `names no Outpost of this stack; known Outposts: ${[...names].join(", ")}`,
    }));
}

/** An extended cluster's control plane runs in the region and needs subnets in two AZs there. */
function extendedClusterSubnets(config: ParsedFleetConfig): ConfigProblem[] {
  if (!config.eks.enabled) return [];
  return config.outposts.flatMap((outpost, index) => {
    const kind = outpost.clusterKind ?? config.eks.clusterKind;
    const subnets = outpost.regionSubnetIds ?? [];
    return kind === "extended" && subnets.length < 2
      ? [
          {
            key: `outpost-fleet:outposts[${index}].regionSubnetIds`,
            value: outpost.regionSubnetIds,
            allowed:
              "must list at least two in-region subnets when clusterKind is extended; set them, or use clusterKind local",
          },
        ]
      : [];
  });
}

/** Injected faults exist only on the local target; an AWS stack must not pretend to have them. */
function localFaultsOnLocalTarget(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target === "local" || Object.keys(config.localFaults).length === 0) return [];
  return [
    {
      key: "outpost-fleet:localFaults",
      value: config.localFaults,
      allowed: `is only for the local target (target: local); this stack's target is ${config.target}, remove the key`,
    },
  ];
}
