import { outpostInstanceBudget } from "../../peak-capacity";
import { OUTPOST_INSTANCE_FAMILIES } from "../aws-catalog";
import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";
import { clusterKindOf } from "./eks-check";

function family(instanceType: string): string {
  return instanceType.split(".")[0];
}

/** Instance types come from the Outpost's own list, and the list from families Outposts offer. */
export function instanceTypesOnOutpost(config: ParsedFleetConfig): ConfigProblem[] {
  return config.outposts.flatMap((outpost, index) => {
    const problems: ConfigProblem[] = [];
    const available = outpost.instanceTypes.join(", ");
    outpost.instanceTypes.forEach((type, i) => {
      if (!OUTPOST_INSTANCE_FAMILIES.includes(family(type))) {
        problems.push({
          key: `outpost-fleet:outposts[${index}].instanceTypes[${i}]`,
          value: type,
          allowed: `must be of a family Outposts racks offer: ${OUTPOST_INSTANCE_FAMILIES.join(", ")}`,
        });
      }
    });
    if (!outpost.instanceTypes.includes(outpost.instanceType)) {
      problems.push({
        key: `outpost-fleet:outposts[${index}].instanceType`,
        value: outpost.instanceType,
        allowed: `must be one this Outpost has: ${available}`,
      });
    }
    const controlPlane = config.eks.controlPlaneInstanceType;
    const local = config.eks.enabled && clusterKindOf(config, outpost) === "local";
    if (local && !outpost.instanceTypes.includes(controlPlane)) {
      problems.push({
        key: "outpost-fleet:eks.controlPlaneInstanceType",
        value: controlPlane,
        allowed: `must be an instance type that Outpost ${outpost.name} has for its local cluster: ${available}`,
      });
    }
    return problems;
  });
}

/**
 * Both colors are warm during a release; on AWS the EKS nodes and a local cluster's three
 * control-plane instances run on the same Outpost, so all of them fit in maxInstances.
 */
export function capacityOrder(config: ParsedFleetConfig): ConfigProblem[] {
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
    const onAws = config.target === "aws" && config.eks.enabled;
    const budget = outpostInstanceBudget({
      colorMax: max,
      eksReplicas: onAws ? config.eks.replicas : undefined,
      localControlPlane: onAws && clusterKindOf(config, outpost) === "local",
    });
    if (budget.total > maxInstances) {
      problems.push({
        key: `${key}.maxInstances`,
        value: maxInstances,
        allowed: `must be at least ${budget.explanation} so that everything fits during a release`,
      });
    }
    return problems;
  });
}
