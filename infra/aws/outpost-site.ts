import * as pulumi from "@pulumi/pulumi";
import { COLORS, OutpostOutputs } from "../contract";
import { FleetConfig, OutpostConfig } from "../config";
import { listenerWeights, versionOf } from "../traffic";
import { OutpostAlarms } from "./alarms";
import { BlueGreenFleet } from "./blue-green-fleet";
import { CanaryRollout } from "./canary-rollout";
import { OutpostCluster } from "./outpost-cluster";
import { SiteSecurityGroups } from "./security-groups";
import { siteTags } from "./tags";
import { TrafficSwitch } from "./traffic-switch";

/** Database (PostgreSQL) and cache (Redis) ports the app instances may reach. */
const BACKEND_PORTS = [5432, 6379] as const;

export interface OutpostSiteArgs {
  readonly config: FleetConfig;
  readonly outpost: OutpostConfig;
  readonly appInstanceProfileArn: pulumi.Input<string>;
  readonly ssmConfigPath: string;
  readonly eks?: {
    readonly clusterRoleArn: pulumi.Input<string>;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly nodeInstanceProfileArn: pulumi.Input<string>;
  };
}

/** Everything the app needs on one Outpost: both colors, the ALB switch, alarms and EKS. */
export class OutpostSite extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<OutpostOutputs>;
  readonly kubeconfig?: pulumi.Output<string>;
  readonly loadBalancerArnSuffix: pulumi.Output<string>;

  constructor(name: string, args: OutpostSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:site:OutpostSite", name, {}, opts);
    const parent = { parent: this };
    const { config, outpost } = args;
    const o = outpost.name;
    const state = config.deployment[o];
    const tags = siteTags(config, o);

    const security = new SiteSecurityGroups(
      `${o}-security`,
      {
        outpost: o,
        vpcId: outpost.vpcId,
        appPort: config.app.port,
        backendPorts: BACKEND_PORTS,
        tags,
      },
      parent,
    );
    const fleet = new BlueGreenFleet(
      `${o}-fleet`,
      {
        config,
        outpost,
        state,
        appSecurityGroupId: security.appSecurityGroupId,
        instanceProfileArn: args.appInstanceProfileArn,
        ssmConfigPath: args.ssmConfigPath,
      },
      parent,
    );
    const weights = listenerWeights(state);
    const traffic = new TrafficSwitch(
      `${o}-traffic`,
      {
        outpost: o,
        subnetId: outpost.subnetId,
        albSecurityGroupId: security.albSecurityGroupId,
        certificateArn: config.certificateArn,
        sslPolicy: config.loadBalancer.sslPolicy,
        idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
        targetGroupArns: {
          blue: fleet.colors.blue.targetGroup.arn,
          green: fleet.colors.green.targetGroup.arn,
        },
        weights,
        deletionProtection: config.environment === "production",
        tags,
      },
      parent,
    );
    this.loadBalancerArnSuffix = traffic.loadBalancer.arnSuffix;
    const alarms = new OutpostAlarms(
      `${o}-alarms`,
      {
        outpost: o,
        loadBalancerArnSuffix: traffic.loadBalancer.arnSuffix,
        targetGroupArnSuffixes: {
          blue: fleet.colors.blue.targetGroup.arnSuffix,
          green: fleet.colors.green.targetGroup.arnSuffix,
        },
        latencyThresholdSeconds: config.monitoring.latencyThresholdSeconds,
        error5xxThreshold: config.monitoring.error5xxThreshold,
        evaluationPeriods: config.monitoring.evaluationPeriods,
        periodSeconds: config.environmentSettings.monitoringLevel === "enhanced" ? 60 : 300,
        tags,
      },
      parent,
    );

    let clusterName: pulumi.Output<string | null> = pulumi.output(null);
    let rollout: OutpostOutputs["rollout"] = null;
    if (args.eks) {
      const cluster = new OutpostCluster(
        `${o}-cluster`,
        { config, outpost, ...args.eks, nodeSecurityGroupId: security.appSecurityGroupId },
        parent,
      );
      const canary = new CanaryRollout(
        `${o}-canary`,
        { config, outpost, provider: cluster.provider, clusterName: cluster.cluster.name },
        parent,
      );
      clusterName = cluster.cluster.name;
      rollout = { name: canary.rolloutName, namespace: canary.namespace };
      this.kubeconfig = cluster.kubeconfig;
    }

    this.outputs = pulumi
      .all([
        traffic.endpoint,
        fleet.colors.blue.targetGroup.arn,
        fleet.colors.green.targetGroup.arn,
        pulumi.all(alarms.alarmNames),
        clusterName,
      ])
      .apply(([endpoint, blueTg, greenTg, alarmNames, cluster]) => ({
        outpost: o,
        endpoint,
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions: Object.fromEntries(
          COLORS.map((c) => [c, versionOf(state, c)]),
        ) as OutpostOutputs["versions"],
        weights,
        targetGroups: { blue: blueTg, green: greenTg },
        alarms: alarmNames,
        cluster,
        rollout,
      }));
    this.registerOutputs({ outputs: this.outputs });
  }
}
