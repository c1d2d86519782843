import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "./tags";

export interface SiteSecurityGroupsArgs {
  /** Outpost name; prefixes every logical name. */
  readonly outpost: string;
  readonly vpcId: string;
  /** Port the app listens on behind the ALB. */
  readonly appPort: number;
  /** Ports the app may reach outside the VPC endpoints: database and cache. */
  readonly backendPorts: readonly number[];
  readonly tags: Tags;
}

/**
 * Least-privilege security groups of one Outpost: the ALB takes HTTP(S) from anywhere and
 * may only talk to the app port; the app takes traffic only from the ALB. Rules are separate
 * resources so that no group is ever replaced to change one rule.
 */
export class SiteSecurityGroups extends pulumi.ComponentResource {
  readonly albSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SiteSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:network:SiteSecurityGroups", name, {}, opts);
    const parent = { parent: this };
    const o = args.outpost;
    const alb = new aws.ec2.SecurityGroup(
      `${o}-alb-sg`,
      { vpcId: args.vpcId, description: `ALB of ${o}`, tags: { ...args.tags, Name: `${o}-alb` } },
      parent,
    );
    const app = new aws.ec2.SecurityGroup(
      `${o}-app-sg`,
      {
        vpcId: args.vpcId,
        description: `App instances of ${o}`,
        tags: { ...args.tags, Name: `${o}-app` },
      },
      parent,
    );
    for (const port of [80, 443]) {
      new aws.vpc.SecurityGroupIngressRule(
        `${o}-alb-in-${port}`,
        {
          securityGroupId: alb.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
          tags: args.tags,
        },
        parent,
      );
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${o}-alb-out-app`,
      {
        securityGroupId: alb.id,
        ipProtocol: "tcp",
        fromPort: args.appPort,
        toPort: args.appPort,
        referencedSecurityGroupId: app.id,
        tags: args.tags,
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${o}-app-in-alb`,
      {
        securityGroupId: app.id,
        ipProtocol: "tcp",
        fromPort: args.appPort,
        toPort: args.appPort,
        referencedSecurityGroupId: alb.id,
        tags: args.tags,
      },
      parent,
    );
    // HTTPS out reaches SSM, Secrets Manager and CloudWatch; the rest are the data stores.
    for (const port of [443, ...args.backendPorts]) {
      new aws.vpc.SecurityGroupEgressRule(
        `${o}-app-out-${port}`,
        {
          securityGroupId: app.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
          tags: args.tags,
        },
        parent,
      );
    }
    this.albSecurityGroupId = alb.id;
    this.appSecurityGroupId = app.id;
    this.registerOutputs({ albSecurityGroupId: alb.id, appSecurityGroupId: app.id });
  }
}
