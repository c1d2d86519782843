import { ConfigProblem } from "./errors";
import { ParsedFleetConfig } from "./schema";
import {
  capacityOrder,
  instanceTypesOnOutpost,
  loadBalancerInstanceTypes,
} from "./checks/capacity-check";
import { canaryStepOrder } from "./checks/canary-check";
import {
  extendedClusterSubnets,
  kubeconfigRole,
  localClusterOffer,
  nodeImage,
} from "./checks/eks-check";
import {
  elbNameLengths,
  healthCheckTiming,
  schemeAndAddressPool,
} from "./checks/load-balancer-check";
import {
  certificateInStackRegion,
  deploymentForKnownOutposts,
  duplicateWiring,
  outpostsInStackRegion,
  singleVpc,
} from "./checks/wiring-check";
import { serviceDomainOnAws } from "./checks/service-domain-check";

/**
 * Rules that span several keys, which a per-field schema cannot express. Each returns the
 * problems it finds; an empty list means the rule holds.
 */
export function crossCheck(config: ParsedFleetConfig): ConfigProblem[] {
  return [
    ...duplicateWiring(config),
    ...outpostsInStackRegion(config),
    ...certificateInStackRegion(config),
    ...singleVpc(config),
    ...elbNameLengths(config),
    ...schemeAndAddressPool(config),
    ...instanceTypesOnOutpost(config),
    ...loadBalancerInstanceTypes(config),
    ...capacityOrder(config),
    ...deploymentForKnownOutposts(config),
    ...extendedClusterSubnets(config),
    ...nodeImage(config),
    ...localClusterOffer(config),
    ...kubeconfigRole(config),
    ...healthCheckTiming(config),
    ...canaryStepOrder(config),
    ...localFaultsOnLocalTarget(config),
    ...serviceDomainOnAws(config),
  ];
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
