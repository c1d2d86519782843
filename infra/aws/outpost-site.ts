import * as pulumi from "@pulumi/pulumi";
import { COLORS, otherColor, OutpostDeploymentState, OutpostOutputs } from "../contract";
import { CanaryStepConfig, RuntimeDocument } from "../config";
import { ColorCapacity, listenerWeights, versionOf } from "../listener-weights";
import { OutpostAlarms } from "./alarms";
import { APP_METRICS_PERIOD_SECONDS, appMetricsNamespace } from "./app-metrics";
import { BlueGreenFleet, Ec2AppSettings, TargetGroupSettings } from "./blue-green-fleet";
import { CanaryAppSettings, CanaryRollout } from "./canary-rollout";
import { OutpostCluster } from "./outpost-cluster";
import { SiteSecurityGroups } from "./security-groups";
import { Tags, withOutpost } from "./tags";
import { AccessLogTarget, TrafficSwitch } from "./traffic-switch";

/** Database (PostgreSQL) and cache (Redis) ports the app instances may reach. */
const BACKEND_PORTS = [5432, 6379] as const;

/** One Outpost as the site needs it. */
export interface SiteOutpost {
  readonly name: string;
  readonly arn: string;
  /** The Outpost subnet: ALB, colors and EKS all live in it. */
  readonly subnetId: string;
  readonly vpcId: string;
  /** Instance type of the app colors and the EKS nodes. */
  readonly instanceType: string;
  /** Full size of one color. */
  readonly capacity: ColorCapacity;
  /** The Outpost's CoIP pool; required for an internet-facing ALB. */
  readonly customerOwnedIpv4Pool?: string;
}

/** The `loadBalancer` layer, as both ALBs of a site use it. */
export interface SiteLoadBalancerSettings extends TargetGroupSettings {
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly scheme: "internal" | "internet-facing";
  readonly testListenerPort: number;
  readonly deletionProtection: boolean;
}

export interface SiteAlarmSettings {
  readonly latencyThresholdSeconds: number;
  readonly error5xxThreshold: number;
  readonly evaluationPeriods: number;
}

/** The Outpost's EKS cluster and its canary; leave out to run EC2 only. */
export interface SiteEks {
  readonly clusterRoleArn: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  readonly nodeInstanceProfileArn: pulumi.Input<string>;
  readonly clusterKind: "local" | "extended";
  /** In-region subnets of an extended cluster. Default: none. */
  readonly regionSubnetIds?: readonly string[];
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly controlPlaneInstanceType: string;
  readonly nodeAmiSsmParameter: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly resources: {
    readonly cpuRequest: string;
    readonly memoryRequest: string;
    readonly cpuLimit: string;
    readonly memoryLimit: string;
  };
  readonly steps: readonly CanaryStepConfig[];
  readonly chartVersions: { readonly argoRollouts: string; readonly albController: string };
  /** The app's runtime settings for the Rollout's pods (a ConfigMap). */
  readonly runtime: RuntimeDocument;
  /** The role that creates the cluster (the provider's); its kubeconfig signs in as it. */
  readonly creatorRoleArn?: string;
}

export interface OutpostSiteArgs {
  readonly outpost: SiteOutpost;
  /** This Outpost's deployment state: the only version input of its resources. */
  readonly state: OutpostDeploymentState;
  readonly region: string;
  /** ACM certificate of both ALBs' HTTPS listeners (the stack's Region). */
  readonly certificateArn: string;
  /** The name that certificate names: the outputs carry it for the gates' TLS check. */
  readonly serviceDomain: string;
  readonly app: Ec2AppSettings & CanaryAppSettings;
  readonly loadBalancer: SiteLoadBalancerSettings;
  readonly alarms: SiteAlarmSettings;
  /** Detailed instance monitoring on the app colors. Default: false. */
  readonly detailedMonitoring?: boolean;
  /** The Region's access-log bucket and this stack's prefix; undefined: logs off. */
  readonly accessLogs?: AccessLogTarget;
  readonly appInstanceProfileArn: pulumi.Input<string>;
  readonly ssmConfigPath: string;
  /** The stack's tags; the site adds Outpost. */
  readonly tags: Tags;
  readonly eks?: SiteEks;
}

/** Everything the app needs on one Outpost: both colors, the ALB switch, alarms and EKS. */
export class OutpostSite extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<OutpostOutputs>;
  readonly kubeconfig?: pulumi.Output<string>;
  readonly loadBalancerArnSuffix: pulumi.Output<string>;

  constructor(name: string, args: OutpostSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:site:OutpostSite", name, {}, opts);
    const parent = { parent: this };
    const { outpost, state, loadBalancer } = args;
    const o = outpost.name;
    const tags = withOutpost(args.tags, o);
    const logsUnder = (kind: string): AccessLogTarget | undefined =>
      args.accessLogs && {
        bucket: args.accessLogs.bucket,
        prefix: `${args.accessLogs.prefix}/${o}/${kind}`,
      };

    const security = new SiteSecurityGroups(
      `${o}-security`,
      {
        outpost: o,
        vpcId: outpost.vpcId,
        appPort: args.app.port,
        testListenerPort: loadBalancer.testListenerPort,
        backendPorts: BACKEND_PORTS,
        tags,
      },
      parent,
    );
    const fleet = new BlueGreenFleet(
      `${o}-fleet`,
      {
        outpost: o,
        subnetId: outpost.subnetId,
        vpcId: outpost.vpcId,
        instanceType: outpost.instanceType,
        capacity: outpost.capacity,
        state,
        app: args.app,
        targetGroups: loadBalancer,
        region: args.region,
        ssmConfigPath: args.ssmConfigPath,
        detailedMonitoring: args.detailedMonitoring,
        appSecurityGroupId: security.appSecurityGroupId,
        instanceProfileArn: args.appInstanceProfileArn,
        tags,
      },
      parent,
    );
    const weights = listenerWeights(state);
    const groups = fleet.colors;
    const traffic = new TrafficSwitch(
      `${o}-traffic`,
      {
        outpost: o,
        subnetId: outpost.subnetId,
        albSecurityGroupId: security.albSecurityGroupId,
        certificateArn: args.certificateArn,
        sslPolicy: loadBalancer.sslPolicy,
        idleTimeoutSeconds: loadBalancer.idleTimeoutSeconds,
        scheme: loadBalancer.scheme,
        customerOwnedIpv4Pool: outpost.customerOwnedIpv4Pool,
        targetGroupArns: { blue: groups.blue.targetGroup.arn, green: groups.green.targetGroup.arn },
        weights,
        candidateColor: otherColor(state.activeColor),
        testListenerPort: loadBalancer.testListenerPort,
        accessLogs: logsUnder("ec2"),
        deletionProtection: loadBalancer.deletionProtection,
        tags,
      },
      parent,
    );
    this.loadBalancerArnSuffix = traffic.loadBalancer.arnSuffix;
    const targetGroupArnSuffixes = {
      blue: groups.blue.targetGroup.arnSuffix,
      green: groups.green.targetGroup.arnSuffix,
    };
    const alarms = new OutpostAlarms(
      `${o}-alarms`,
      {
        outpost: o,
        loadBalancerArnSuffix: traffic.loadBalancer.arnSuffix,
        targetGroupArnSuffixes,
        ...args.alarms,
        ec2DetailedMonitoring: args.detailedMonitoring ?? false,
        tags,
      },
      parent,
    );

    let clusterName: pulumi.Output<string | null> = pulumi.output(null);
    let rollout: pulumi.Output<OutpostOutputs["rollout"]> = pulumi.output(null);
    if (args.eks) {
      const eks = args.eks;
      const cluster = new OutpostCluster(
        `${o}-cluster`,
        {
          outpost: o,
          outpostArn: outpost.arn,
          subnetId: outpost.subnetId,
          vpcId: outpost.vpcId,
          clusterKind: eks.clusterKind,
          regionSubnetIds: eks.regionSubnetIds,
          clusterName: eks.clusterName,
          kubernetesVersion: eks.kubernetesVersion,
          controlPlaneInstanceType: eks.controlPlaneInstanceType,
          nodeInstanceType: outpost.instanceType,
          nodeAmiSsmParameter: eks.nodeAmiSsmParameter,
          replicas: eks.replicas,
          region: args.region,
          clusterRoleArn: eks.clusterRoleArn,
          nodeRoleArn: eks.nodeRoleArn,
          nodeInstanceProfileArn: eks.nodeInstanceProfileArn,
          nodeSecurityGroupId: security.appSecurityGroupId,
          creatorRoleArn: eks.creatorRoleArn,
          tags,
        },
        parent,
      );
      const canary = new CanaryRollout(
        `${o}-canary`,
        {
          outpost: o,
          subnetId: outpost.subnetId,
          vpcId: outpost.vpcId,
          region: args.region,
          provider: cluster.provider,
          clusterName: cluster.cluster.name,
          app: args.app,
          version: state.rolloutVersion,
          namespace: eks.namespace,
          replicas: eks.replicas,
          resources: eks.resources,
          steps: eks.steps,
          chartVersions: eks.chartVersions,
          runtime: eks.runtime,
          controllerRoleArns: cluster.controllerRoleArns,
          ingress: {
            certificateArn: args.certificateArn,
            sslPolicy: loadBalancer.sslPolicy,
            scheme: loadBalancer.scheme,
            customerOwnedIpv4Pool: outpost.customerOwnedIpv4Pool,
            deregistrationDelaySeconds: loadBalancer.deregistrationDelaySeconds,
            deletionProtection: loadBalancer.deletionProtection,
            accessLogs: logsUnder("eks"),
            tags,
          },
        },
        parent,
      );
      clusterName = cluster.cluster.name;
      rollout = canary.rollout;
      this.kubeconfig = cluster.kubeconfig;
    }

    const balancer = pulumi.all([
      traffic.endpoint,
      traffic.previewEndpoint,
      groups.blue.targetGroup.arn,
      groups.green.targetGroup.arn,
      pulumi.all(alarms.alarmNames),
    ]);
    this.outputs = pulumi.all([balancer, clusterName, rollout]).apply(
      ([
        [endpoint, previewEndpoint, blueTg, greenTg, alarmNames],
        cluster,
        rolloutOutputs,
      ]): OutpostOutputs => ({
        outpost: o,
        endpoint,
        previewEndpoint,
        serviceDomain: args.serviceDomain,
        // The app's own seconds-old figures, not the ALB's 60 s periods (infra/aws/app-metrics.ts).
        trafficStats: {
          kind: "app-metrics",
          namespace: appMetricsNamespace(args.app.name),
          outpost: o,
          periodSeconds: APP_METRICS_PERIOD_SECONDS,
        },
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions: Object.fromEntries(
          COLORS.map((c) => [c, versionOf(state, c)]),
        ) as OutpostOutputs["versions"],
        weights,
        targetGroups: { blue: blueTg, green: greenTg },
        alarms: alarmNames,
        cluster,
        rollout: rolloutOutputs as OutpostOutputs["rollout"],
      }),
    );
    this.registerOutputs({ outputs: this.outputs });
  }
}
