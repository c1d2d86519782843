import * as pulumi from "@pulumi/pulumi";
import { OutpostOutputs } from "../contract";
import { appRuntimeDocument, FleetConfig, OutpostConfig } from "../config";
import { AccessLogBucket } from "./access-log-bucket";
import { appMetricsNamespace } from "./app-metrics";
import { configParameters, configRoot } from "./config-parameters";
import { ConfigStore } from "./config-store";
import { RegionDashboard } from "./dashboard";
import { FleetRoles } from "./fleet-roles";
import { OutpostSite, SiteEks } from "./outpost-site";
import { ServerAccessLogBucket } from "./server-access-log-bucket";
import { deploymentId, stackTags } from "./tags";

export interface FleetStackOutputs {
  readonly outposts: pulumi.Output<Record<string, OutpostOutputs>>;
  readonly kubeconfigs: pulumi.Output<Record<string, string>>;
  readonly configRoot: string;
  readonly dashboardName: pulumi.Output<string>;
  /** The Region's ALB access-log bucket, or null when access logs are off. */
  readonly accessLogBucket: pulumi.Output<string | null>;
}

/** Key prefix of the ALBs' access logs; each ALB adds `<outpost>/<ec2|eks>`. */
export const ACCESS_LOG_PREFIX = "alb";

/** The fixed name of an Outpost's EKS cluster: nodes and the controllers' policy use it. */
export function clusterNameOf(config: FleetConfig, outpost: string): string {
  return `${config.app.name}-${config.environment}-${outpost}`;
}

function clusterKindOf(config: FleetConfig, outpost: OutpostConfig): "local" | "extended" {
  return outpost.clusterKind ?? config.eks.clusterKind;
}

/**
 * The AWS program for one region stack: shared config, roles, log bucket and dashboard, then a
 * site per Outpost. The only place that maps FleetConfig to the components' narrow args.
 */
export function deployAwsFleet(
  config: FleetConfig,
  secrets: Readonly<Record<string, pulumi.Input<string>>>,
): FleetStackOutputs {
  const tags = stackTags(config);
  const { serviceDomain } = config;
  if (serviceDomain === undefined) {
    throw new Error("serviceDomain is unset: the config checks require it on aws");
  }
  const store = new ConfigStore(`${config.regionGroup}-config`, {
    root: configRoot(config),
    parameters: configParameters(config),
    secretNames: config.secretsWithValues,
    region: config.awsRegion,
    secrets,
    tags,
  });
  const clusterKinds = new Set(config.outposts.map((o) => clusterKindOf(config, o)));
  const localOutposts = config.outposts.filter((o) => clusterKindOf(config, o) === "local");
  const roles = new FleetRoles(`${config.regionGroup}-roles`, {
    configReadPolicyArn: store.readPolicyArn,
    metricsNamespace: appMetricsNamespace(config.app.name),
    clusterKinds,
    eksEnabled: config.eks.enabled,
    // The node role's controllers serve the local clusters only (extended ones have IRSA).
    controllers: {
      region: config.awsRegion,
      clusterNames: localOutposts.map((o) => clusterNameOf(config, o.name)),
      vpcIds: [...new Set(localOutposts.map((o) => o.vpcId))],
    },
    tags,
  });
  const logs = config.loadBalancer.accessLogs.enabled
    ? new AccessLogBucket(`${config.regionGroup}-alb-logs`, {
        stackName: deploymentId(config),
        prefix: ACCESS_LOG_PREFIX,
        retentionDays: config.loadBalancer.accessLogs.retentionDays,
        tags,
      })
    : undefined;
  // The log bucket's own requests, into the Region's access-log bucket (it logs nowhere itself).
  if (logs) {
    new ServerAccessLogBucket(`${config.regionGroup}-s3-access-logs`, {
      prefix: deploymentId(config),
      accountId: logs.accountId,
      sources: [{ key: "alb-logs", bucket: logs.bucketName }],
      retentionDays: config.loadBalancer.accessLogs.retentionDays,
      tags,
    });
  }
  const { app, eks, loadBalancer, monitoring } = config;
  const enhanced = config.environmentSettings.monitoringLevel === "enhanced";
  const sites = config.outposts.map((outpost) => {
    const kind = clusterKindOf(config, outpost);
    const clusterRoleArn = roles.clusterRoleArns[kind];
    const siteEks: SiteEks | undefined =
      eks.enabled && clusterRoleArn && roles.nodeRoleArn && roles.nodeInstanceProfileArn
        ? {
            clusterRoleArn,
            nodeRoleArn: roles.nodeRoleArn,
            nodeInstanceProfileArn: roles.nodeInstanceProfileArn,
            clusterKind: kind,
            regionSubnetIds: outpost.regionSubnetIds,
            clusterName: clusterNameOf(config, outpost.name),
            kubernetesVersion: eks.kubernetesVersion,
            controlPlaneInstanceType: eks.controlPlaneInstanceType,
            nodeAmiSsmParameter: eks.nodeAmiSsmParameter,
            namespace: eks.namespace,
            replicas: eks.replicas,
            resources: eks.resources,
            steps: eks.canarySteps,
            chartVersions: {
              argoRollouts: eks.argoRolloutsChartVersion,
              albController: eks.albControllerChartVersion,
            },
            runtime: appRuntimeDocument(config),
            // The provider's last role creates the cluster (one at most with EKS: eks-check.ts).
            creatorRoleArn: config.awsAssumeRoles.at(-1)?.roleArn,
          }
        : undefined;
    return new OutpostSite(outpost.name, {
      outpost: {
        name: outpost.name,
        arn: outpost.arn,
        subnetId: outpost.subnetId,
        vpcId: outpost.vpcId,
        instanceType: outpost.instanceType,
        capacity: outpost.capacity,
        customerOwnedIpv4Pool: outpost.customerOwnedIpv4Pool,
      },
      state: config.deployment[outpost.name],
      region: config.awsRegion,
      certificateArn: config.certificateArn,
      serviceDomain,
      app,
      loadBalancer,
      alarms: {
        latencyThresholdSeconds: monitoring.latencyThresholdSeconds,
        error5xxThreshold: monitoring.error5xxThreshold,
        evaluationPeriods: monitoring.evaluationPeriods,
      },
      detailedMonitoring: enhanced,
      accessLogs: logs && { bucket: logs.bucketName, prefix: logs.prefix },
      appInstanceProfileArn: roles.appInstanceProfileArn,
      ssmConfigPath: store.root,
      tags,
      eks: siteEks,
    });
  });
  const dashboard = new RegionDashboard(`${config.regionGroup}`, {
    region: config.awsRegion,
    dashboardName: `${config.app.name}-${config.environment}-${config.regionGroup}`,
    sites: sites.map((site, i) => ({
      outpost: config.outposts[i].name,
      loadBalancerArnSuffix: site.loadBalancerArnSuffix,
    })),
  });
  const outposts = pulumi
    .all(sites.map((site) => site.outputs))
    .apply((list) => Object.fromEntries(list.map((entry) => [entry.outpost, entry])));
  const kubeconfigs = pulumi.secret(
    pulumi
      .all(sites.map((site) => site.kubeconfig ?? pulumi.output("")))
      .apply((list) =>
        Object.fromEntries(
          list.flatMap((kubeconfig, i) =>
            kubeconfig ? [[config.outposts[i].name, kubeconfig]] : [],
          ),
        ),
      ),
  );
  return {
    outposts,
    kubeconfigs,
    configRoot: store.root,
    dashboardName: dashboard.dashboardName,
    accessLogBucket: logs ? logs.bucketName : pulumi.output(null),
  };
}
