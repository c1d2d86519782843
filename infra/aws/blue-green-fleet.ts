import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS, OutpostDeploymentState } from "../contract";
import { ColorCapacity, colorCapacity, versionOf } from "../listener-weights";
import { amiNameFor } from "../config/fleet-config";
import { asgTags, Tags, withColor } from "./tags";
import { renderAppUserData, toBase64 } from "./user-data";

/** The app as the EC2 colors run it. */
export interface Ec2AppSettings {
  readonly name: string;
  /** Port the app listens on; the target groups forward to it. */
  readonly port: number;
  /** Path the target groups health-check. */
  readonly healthPath: string;
  /** AMIs are named `<amiNamePrefix>-<version>`. */
  readonly amiNamePrefix: string;
  readonly amiOwner: string;
}

/** How the target groups drain and health-check (the `loadBalancer` config layer). */
export interface TargetGroupSettings {
  readonly deregistrationDelaySeconds: number;
  readonly healthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

export interface BlueGreenFleetArgs {
  /** Outpost name; prefixes every logical name. */
  readonly outpost: string;
  /** The Outpost subnet both colors launch in. */
  readonly subnetId: string;
  readonly vpcId: string;
  /** One of the Outpost's instance types. */
  readonly instanceType: string;
  /** Full size of one color; an idle, cold color scales to zero (see colorCapacity). */
  readonly capacity: ColorCapacity;
  /** This Outpost's deployment state: the only source of each color's version and size. */
  readonly state: OutpostDeploymentState;
  readonly app: Ec2AppSettings;
  readonly targetGroups: TargetGroupSettings;
  /** Region the instances read their config from. */
  readonly region: string;
  /** SSM path the instances read their config from at boot. */
  readonly ssmConfigPath: string;
  /** Detailed (1-minute) instance monitoring. Default: false. */
  readonly detailedMonitoring?: boolean;
  readonly appSecurityGroupId: pulumi.Input<string>;
  readonly instanceProfileArn: pulumi.Input<string>;
  /** The site's tags; each color adds Color and AppVersion. */
  readonly tags: Tags;
}

export interface ColorResources {
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly autoScalingGroup: aws.autoscaling.Group;
  readonly targetGroup: aws.lb.TargetGroup;
}

/**
 * Both colors of one Outpost: a launch template, an ASG and a target group each. The two
 * always exist under stable logical names; only their version and size follow the deployment
 * state, so a release touches only the idle color and a flip touches neither.
 */
export class BlueGreenFleet extends pulumi.ComponentResource {
  readonly colors: Record<Color, ColorResources>;

  constructor(name: string, args: BlueGreenFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:ec2:BlueGreenFleet", name, {}, opts);
    const entries = COLORS.map((color) => [color, this.color(color, args)] as const);
    this.colors = Object.fromEntries(entries) as Record<Color, ColorResources>;
    this.registerOutputs({
      targetGroupArns: Object.fromEntries(entries.map(([c, r]) => [c, r.targetGroup.arn])),
    });
  }

  private color(color: Color, args: BlueGreenFleetArgs): ColorResources {
    const { app, state } = args;
    const parent = { parent: this };
    const o = args.outpost;
    const version = versionOf(state, color);
    const tags = withColor(args.tags, color, version);

    const ami = aws.ec2.getAmiOutput(
      {
        owners: [app.amiOwner],
        mostRecent: true,
        filters: [
          { name: "name", values: [amiNameFor(app.amiNamePrefix, version)] },
          { name: "state", values: ["available"] },
        ],
      },
      parent,
    );
    const userData = renderAppUserData({
      appName: app.name,
      version,
      color,
      outpost: o,
      port: app.port,
      ssmConfigPath: args.ssmConfigPath,
      region: args.region,
    });
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${o}-${color}-lt`,
      {
        description: `${app.name} ${color} on ${o}`,
        imageId: ami.id,
        instanceType: args.instanceType,
        updateDefaultVersion: true,
        iamInstanceProfile: { arn: args.instanceProfileArn },
        vpcSecurityGroupIds: [args.appSecurityGroupId],
        userData: toBase64(userData),
        metadataOptions: {
          httpTokens: "required",
          httpEndpoint: "enabled",
          httpPutResponseHopLimit: 1,
        },
        // Outpost racks carry gp2 EBS only.
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              encrypted: "true",
              volumeSize: 30,
              volumeType: "gp2",
              deleteOnTermination: "true",
            },
          },
        ],
        monitoring: { enabled: args.detailedMonitoring ?? false },
        tagSpecifications: [
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
        ],
        tags,
      },
      parent,
    );
    // Target groups carry the color but not the version: a release must not touch them.
    const groupTags = { ...args.tags, Color: color };
    const targetGroup = new aws.lb.TargetGroup(
      `${o}-${color}-tg`,
      {
        port: app.port,
        protocol: "HTTP",
        vpcId: args.vpcId,
        targetType: "instance",
        deregistrationDelay: args.targetGroups.deregistrationDelaySeconds,
        healthCheck: {
          enabled: true,
          path: app.healthPath,
          port: "traffic-port",
          protocol: "HTTP",
          matcher: "200",
          interval: args.targetGroups.healthCheck.intervalSeconds,
          timeout: args.targetGroups.healthCheck.timeoutSeconds,
          healthyThreshold: args.targetGroups.healthCheck.healthyThreshold,
          unhealthyThreshold: args.targetGroups.healthCheck.unhealthyThreshold,
        },
        tags: groupTags,
      },
      parent,
    );
    const size = colorCapacity(state, color, args.capacity);
    const autoScalingGroup = new aws.autoscaling.Group(
      `${o}-${color}-asg`,
      {
        vpcZoneIdentifiers: [args.subnetId],
        minSize: size.min,
        maxSize: size.max,
        desiredCapacity: size.desired,
        launchTemplate: {
          id: launchTemplate.id,
          version: launchTemplate.latestVersion.apply(String),
        },
        targetGroupArns: [targetGroup.arn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: 60,
        // Replace instances in place when the idle color gets a new version.
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
        tags: asgTags(tags),
      },
      parent,
    );
    return { launchTemplate, autoScalingGroup, targetGroup };
  }
}
