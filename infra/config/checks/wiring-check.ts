import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";

/**
 * Each Outpost has its own subnet, ARN and CoIP pool (a pool belongs to one Outpost's local
 * gateway): two entries naming one would fight over it.
 */
export function duplicateWiring(config: ParsedFleetConfig): ConfigProblem[] {
  const fields = ["name", "subnetId", "arn", "customerOwnedIpv4Pool"] as const;
  return fields.flatMap((field) => {
    const seen = new Map<string, string>();
    return config.outposts.flatMap((outpost, index) => {
      const value = outpost[field];
      if (value === undefined) return [];
      const owner = seen.get(value);
      if (owner === undefined) {
        seen.set(value, outpost.name);
        return [];
      }
      const allowed =
        field === "name"
          ? "must be unique; another Outpost in this stack already has this name"
          : `must be unique; Outpost ${owner} already has this ${field}`;
      return [{ key: `outpost-fleet:outposts[${index}].${field}`, value, allowed }];
    });
  });
}

/** ACM certificates are regional: an ALB can only use one from its own region. */
export function certificateInStackRegion(config: ParsedFleetConfig): ConfigProblem[] {
  const region = config.certificateArn.split(":")[3];
  return region === config.awsRegion
    ? []
    : [
        {
          key: "outpost-fleet:certificateArn",
          value: config.certificateArn,
          allowed: `must be an ACM certificate of the stack's region ${config.awsRegion} (it is in ${region})`,
        },
      ];
}

/** One VPC per stack, unless the stack says explicitly that its Outposts sit in several. */
export function singleVpc(config: ParsedFleetConfig): ConfigProblem[] {
  if (config.target !== "aws" || config.allowMultipleVpcs) return [];
  const first = config.outposts[0].vpcId;
  return config.outposts.flatMap((outpost, index) =>
    outpost.vpcId === first
      ? []
      : [
          {
            key: `outpost-fleet:outposts[${index}].vpcId`,
            value: outpost.vpcId,
            allowed: `must be ${first}, the VPC of ${config.outposts[0].name}; Outposts of one stack share a VPC unless outpost-fleet:allowMultipleVpcs is true`,
          },
        ],
  );
}

export function outpostsInStackRegion(config: ParsedFleetConfig): ConfigProblem[] {
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

export function deploymentForKnownOutposts(config: ParsedFleetConfig): ConfigProblem[] {
  const names = new Set(config.outposts.map((outpost) => outpost.name));
  return Object.keys(config.deployment)
    .filter((name) => !names.has(name))
    .map((name) => ({
      key: `outpost-fleet:deployment.${name}`,
      value: config.deployment[name],
      allowed: `names no Outpost of this stack; known Outposts: ${[...names].join(", ")}`,
    }));
}
