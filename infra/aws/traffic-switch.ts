import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS } from "../contract";
import { Tags } from "./tags";

export interface TrafficSwitchArgs {
  readonly outpost: string;
  /** The one Outpost subnet: an ALB on an Outpost lives in a single subnet. */
  readonly subnetId: string;
  readonly albSecurityGroupId: pulumi.Input<string>;
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly targetGroupArns: Record<Color, pulumi.Input<string>>;
  /** Listener weights by color (0-999 each); the only thing a flip changes. */
  readonly weights: Record<Color, number>;
  /** Default: true. Production ALBs are protected from accidental deletion. */
  readonly deletionProtection?: boolean;
  readonly tags: Tags;
}

/**
 * The ALB of one Outpost and its listeners. HTTPS forwards to both colors' target groups with
 * weights, so switching colors is one listener modification: atomic, with no new targets and
 * no DNS change.
 */
export class TrafficSwitch extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly httpsListener: aws.lb.Listener;
  readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: TrafficSwitchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:ec2:TrafficSwitch", name, {}, opts);
    const parent = { parent: this };
    const o = args.outpost;
    this.loadBalancer = new aws.lb.LoadBalancer(
      `${o}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: [args.subnetId],
        securityGroups: [args.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        idleTimeout: args.idleTimeoutSeconds,
        enableDeletionProtection: args.deletionProtection ?? true,
        tags: args.tags,
      },
      parent,
    );
    this.httpsListener = new aws.lb.Listener(
      `${o}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: args.sslPolicy,
        certificateArn: args.certificateArn,
        defaultActions: [
          {
            type: "forward",
            forward: {
              targetGroups: COLORS.map((color) => ({
                arn: args.targetGroupArns[color],
                weight: args.weights[color],
              })),
            },
          },
        ],
        tags: args.tags,
      },
      parent,
    );
    new aws.lb.Listener(
      `${o}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
        tags: args.tags,
      },
      parent,
    );
    this.endpoint = pulumi.interpolate`https://${this.loadBalancer.dnsName}`;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
