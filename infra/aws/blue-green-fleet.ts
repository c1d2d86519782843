import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS, OutpostDeploymentState } from "../contract";
import { FleetConfig, OutpostConfig } from "../config";
import { colorCapacity, versionOf } from "../traffic";
import { amiNameFor } from "../config/fleet-config";
import { asgTags, colorTags, siteTags } from "./tags";
import { renderAppUserData, toBase64 } from "./user-data";

export interface BlueGreenFleetArgs {
  readonly config: FleetConfig;
  readonly outpost: OutpostConfig;
  readonly state: OutpostDeploymentState;
  readonly appSecurityGroupId: pulumi.Input<string>;
  readonly instanceProfileArn: pulumi.Input<string>;
  /** SSM path the instances read their config from at boot. */
  readonly ssmConfigPath: string;
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
    const { config, outpost, state } = args;
    const parent = { parent: this };
    const o = outpost.name;
    const version = versionOf(state, color);
    const tags = colorTags(config, o, color, version);
    const { app, loadBalancer } = config;

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
      region: config.awsRegion,
    });
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${o}-${color}-lt`,
      {
        description: `${app.name} ${color} on ${o}`,
        imageId: ami.id,
        instanceType: outpost.instanceType,
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
        monitoring: { enabled: config.environmentSettings.monitoringLevel === "enhanced" },
        tagSpecifications: [
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
        ],
        tags,
      },
      parent,
    );
    // Target groups carry the color but not the version: a release must not touch them.
    const groupTags = { ...siteTags(config, o), Color: color };
    const targetGroup = new aws.lb.TargetGroup(
      `${o}-${color}-tg`,
      {
        port: app.port,
        protocol: "HTTP",
        vpcId: outpost.vpcId,
        targetType: "instance",
        deregistrationDelay: loadBalancer.deregistrationDelaySeconds,
        healthCheck: {
          enabled: true,
          path: app.healthPath,
          port: "traffic-port",
          protocol: "HTTP",
          matcher: "200",
          interval: loadBalancer.healthCheck.intervalSeconds,
          timeout: loadBalancer.healthCheck.timeoutSeconds,
          healthyThreshold: loadBalancer.healthCheck.healthyThreshold,
          unhealthyThreshold: loadBalancer.healthCheck.unhealthyThreshold,
        },
        tags: groupTags,
      },
      parent,
    );
    const size = colorCapacity(state, color, outpost.capacity);
    const autoScalingGroup = new aws.autoscaling.Group(
      `${o}-${color}-asg`,
      {
        vpcZoneIdentifiers: [outpost.subnetId],
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
