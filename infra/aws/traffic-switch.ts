import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS } from "../contract";
import { Tags } from "./tags";

/** Where an ALB writes its access logs. */
export interface AccessLogTarget {
  /** The Region's log bucket (AccessLogBucket). */
  readonly bucket: pulumi.Input<string>;
  /** Key prefix; ELB appends `AWSLogs/<account>/...`. */
  readonly prefix: string;
}

export interface TrafficSwitchArgs {
  /** Outpost name; prefixes every logical name. */
  readonly outpost: string;
  /** The one Outpost subnet: an ALB on an Outpost lives in a single subnet. */
  readonly subnetId: string;
  readonly albSecurityGroupId: pulumi.Input<string>;
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  /**
   * internet-facing takes its addresses from `customerOwnedIpv4Pool` (the Outpost's CoIP pool,
   * reachable on the on-premises network); internal stays on VPC addresses.
   */
  readonly scheme: "internal" | "internet-facing";
  /** The Outpost's CoIP pool; required for internet-facing (the config checks it). */
  readonly customerOwnedIpv4Pool?: string;
  readonly targetGroupArns: Record<Color, pulumi.Input<string>>;
  /** Listener weights by color (0-999 each); the main listener's only changing input. */
  readonly weights: Record<Color, number>;
  /** The candidate (idle) color: the test listener forwards to it alone. */
  readonly candidateColor: Color;
  /** Port of the test listener (loadBalancer.testListenerPort). */
  readonly testListenerPort: number;
  /** Access logs on, to this bucket; undefined turns them off. */
  readonly accessLogs?: AccessLogTarget;
  /** Default: true. Production ALBs are protected from accidental deletion. */
  readonly deletionProtection?: boolean;
  readonly tags: Tags;
}

/**
 * The ALB of one Outpost and its listeners. HTTPS forwards to both colors' target groups with
 * weights, so switching colors is one listener modification: atomic, with no new targets and
 * no DNS change. A test listener on its own port forwards only to the candidate color, so the
 * candidate is tested before it takes any production request (CodeDeploy's test traffic).
 */
export class TrafficSwitch extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly httpsListener: aws.lb.Listener;
  readonly testListener: aws.lb.Listener;
  readonly endpoint: pulumi.Output<string>;
  /** Reaches only the candidate color, whatever the weights. */
  readonly previewEndpoint: pulumi.Output<string>;

  constructor(name: string, args: TrafficSwitchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:ec2:TrafficSwitch", name, {}, opts);
    const parent = { parent: this };
    const o = args.outpost;
    const internetFacing = args.scheme === "internet-facing";
    this.loadBalancer = new aws.lb.LoadBalancer(
      `${o}-alb`,
      {
        loadBalancerType: "application",
        internal: !internetFacing,
        customerOwnedIpv4Pool: internetFacing ? args.customerOwnedIpv4Pool : undefined,
        subnets: [args.subnetId],
        securityGroups: [args.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        idleTimeout: args.idleTimeoutSeconds,
        enableDeletionProtection: args.deletionProtection ?? true,
        accessLogs: args.accessLogs
          ? { enabled: true, bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix }
          : undefined,
        tags: args.tags,
      },
      parent,
    );
    const tls = {
      protocol: "HTTPS",
      sslPolicy: args.sslPolicy,
      certificateArn: args.certificateArn,
    };
    this.httpsListener = new aws.lb.Listener(
      `${o}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        ...tls,
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
    // A flip changes which target group this forwards to, in place, like the weights above.
    this.testListener = new aws.lb.Listener(
      `${o}-test`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: args.testListenerPort,
        ...tls,
        defaultActions: [
          { type: "forward", targetGroupArn: args.targetGroupArns[args.candidateColor] },
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
    this.previewEndpoint = pulumi.interpolate`https://${this.loadBalancer.dnsName}:${args.testListenerPort}`;
    this.registerOutputs({ endpoint: this.endpoint, previewEndpoint: this.previewEndpoint });
  }
}
