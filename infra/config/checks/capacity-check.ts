import { eksNodeCapacity, outpostInstanceBudget, siteLoadBalancers } from "../../peak-capacity";
import { OUTPOST_ALB_INSTANCE_TYPES, OUTPOST_INSTANCE_FAMILIES } from "../aws-catalog";
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
 * On AWS an Outpost's ALBs run on its own instances (aws-catalog.ts): an Outpost that has none of
 * the types they need can't hold its load balancers, whatever its other capacity.
 */
export function loadBalancerInstanceTypes(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target !== "aws") return [];
  return config.outposts.flatMap((outpost, index) =>
    outpost.instanceTypes.some((type) => OUTPOST_ALB_INSTANCE_TYPES.includes(type))
      ? []
      : [
          {
            key: `outpost-fleet:outposts[${index}].instanceTypes`,
            value: outpost.instanceTypes,
            allowed: `must include an instance type that an Application Load Balancer on an Outpost runs on (${OUTPOST_ALB_INSTANCE_TYPES.join(", ")}): AWS runs this Outpost's ALBs on its own capacity`,
          },
        ],
  );
}

/**
 * Both colors are warm during a release; on AWS the EKS nodes, a local cluster's three
 * control-plane instances and the ALBs' own instances run on the same Outpost, so all of them
 * fit in maxInstances (the rule: infra/peak-capacity.ts).
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
    const onAws = config.target === "aws";
    const eks = onAws && config.eks.enabled;
    const budget = outpostInstanceBudget({
      groups: [
        { name: "blue", max },
        { name: "green", max },
        ...(eks ? [{ name: "EKS nodes", max: eksNodeCapacity(config.eks.replicas).max }] : []),
      ],
      localControlPlanes: eks && clusterKindOf(config, outpost) === "local" ? 1 : 0,
      loadBalancers: onAws ? siteLoadBalancers(config.eks.enabled) : 0,
    });
    if (budget.total > maxInstances) {
      problems.push({
        key: `${key}.maxInstances`,
        value: maxInstances,
        allowed: `must be at least ${budget.total} (${budget.explanation}) so that everything fits during a release`,
      });
    }
    return problems;
  });
}
