import { AUTONAME_SUFFIX_LENGTH, ELB_NAME_MAX_LENGTH } from "../aws-catalog";
import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";

/**
 * Logical names of an Outpost's ELB resources (infra/aws): Pulumi auto-names each one with a
 * random suffix, and ELB refuses names over 32 characters.
 */
export function elbLogicalNames(outpost: string): { what: string; name: string }[] {
  return [
    { what: "load balancer", name: `${outpost}-alb` },
    { what: "target group", name: `${outpost}-blue-tg` },
    { what: "target group", name: `${outpost}-green-tg` },
  ];
}

/** The longest Outpost name whose derived ELB names all fit. */
export const MAX_OUTPOST_NAME_FOR_ELB =
  ELB_NAME_MAX_LENGTH -
  AUTONAME_SUFFIX_LENGTH -
  Math.max(...elbLogicalNames("").map((n) => n.name.length));

export function elbNameLengths(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target !== "aws") return [];
  return config.outposts.flatMap((outpost, index) => {
    const tooLong = elbLogicalNames(outpost.name).filter(
      (n) => n.name.length + AUTONAME_SUFFIX_LENGTH > ELB_NAME_MAX_LENGTH,
    );
    return tooLong.map((n) => ({
      key: `outpost-fleet:outposts[${index}].name`,
      value: outpost.name,
      allowed:
        `derives the ${n.what} name "${n.name}", ${n.name.length + AUTONAME_SUFFIX_LENGTH} characters with Pulumi's ` +
        `${AUTONAME_SUFFIX_LENGTH}-character suffix; ELB allows ${ELB_NAME_MAX_LENGTH}, so Outpost names on AWS have at most ${MAX_OUTPOST_NAME_FOR_ELB} characters`,
    }));
  });
}

/**
 * An internet-facing ALB on an Outpost takes its addresses from the Outpost's customer-owned
 * IP pool, which the local gateway advertises on the on-premises network (AWS Outposts User
 * Guide, "Customer-owned IP addresses"; ELB CreateLoadBalancer, CustomerOwnedIpv4Pool). An
 * internal ALB has VPC addresses only, so a pool there would be a mistake.
 */
export function schemeAndAddressPool(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target !== "aws") return [];
  const scheme = config.loadBalancer.scheme;
  return config.outposts.flatMap((outpost, index): ConfigProblem[] => {
    const key = `outpost-fleet:outposts[${index}].customerOwnedIpv4Pool`;
    if (scheme === "internet-facing" && outpost.customerOwnedIpv4Pool === undefined) {
      return [
        {
          key,
          value: undefined,
          allowed:
            "is required when loadBalancer.scheme is internet-facing: the Outpost's CoIP pool (ipv4pool-coip-...) gives the ALB its on-premises addresses; or set loadBalancer.scheme internal",
        },
      ];
    }
    if (scheme === "internal" && outpost.customerOwnedIpv4Pool !== undefined) {
      return [
        {
          key,
          value: outpost.customerOwnedIpv4Pool,
          allowed:
            "must be left out when loadBalancer.scheme is internal: an internal ALB has VPC addresses only",
        },
      ];
    }
    return [];
  });
}

/** A health check that times out at or after its interval overlaps the next one. */
export function healthCheckTiming(config: ParsedFleetConfig): ConfigProblem[] {
  const { timeoutSeconds, intervalSeconds } = config.loadBalancer.healthCheck;
  return timeoutSeconds < intervalSeconds
    ? []
    : [
        {
          key: "outpost-fleet:loadBalancer.healthCheck.timeoutSeconds",
          value: timeoutSeconds,
          allowed: `must be less than healthCheck.intervalSeconds (${intervalSeconds})`,
        },
      ];
}
