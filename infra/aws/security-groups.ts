import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "./tags";

export interface SiteSecurityGroupsArgs {
  /** Outpost name; prefixes every logical name. */
  readonly outpost: string;
  readonly vpcId: string;
  /** Port the app listens on behind the ALB. */
  readonly appPort: number;
  /** The ALB's test listener port; open to the same clients as 443. */
  readonly testListenerPort: number;
  /** Ports the app may reach outside the VPC endpoints: database and cache. */
  readonly backendPorts: readonly number[];
  readonly tags: Tags;
}

/**
 * Least-privilege security groups of one Outpost: the ALB takes HTTP(S) from anywhere, on its
 * test listener's port too (security-grouped like the main listener), and may only talk to the
 * app port; the app takes traffic only from the ALB. Rules are separate resources so that no
 * group is ever replaced to change one rule.
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
    const rule = (
      kind: "in" | "out",
      name: string,
      group: aws.ec2.SecurityGroup,
      port: number,
      peer: { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> },
    ) => {
      const ruleArgs = {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        tags: args.tags,
        ...peer,
      };
      return kind === "in"
        ? new aws.vpc.SecurityGroupIngressRule(name, ruleArgs, parent)
        : new aws.vpc.SecurityGroupEgressRule(name, ruleArgs, parent);
    };
    const anywhere = { cidrIpv4: "0.0.0.0/0" };
    for (const port of [80, 443]) rule("in", `${o}-alb-in-${port}`, alb, port, anywhere);
    // Named by role, so a new test port modifies the rule instead of replacing it.
    rule("in", `${o}-alb-in-test`, alb, args.testListenerPort, anywhere);
    rule("out", `${o}-alb-out-app`, alb, args.appPort, { referencedSecurityGroupId: app.id });
    rule("in", `${o}-app-in-alb`, app, args.appPort, { referencedSecurityGroupId: alb.id });
    // HTTPS out reaches SSM, Secrets Manager and CloudWatch; the rest are the data stores.
    for (const port of [443, ...args.backendPorts])
      rule("out", `${o}-app-out-${port}`, app, port, anywhere);
    this.albSecurityGroupId = alb.id;
    this.appSecurityGroupId = app.id;
    this.registerOutputs({ albSecurityGroupId: alb.id, appSecurityGroupId: app.id });
  }
}
