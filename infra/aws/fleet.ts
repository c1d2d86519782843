import * as pulumi from "@pulumi/pulumi";
import { OutpostOutputs } from "../contract";
import { FleetConfig } from "../config";
import { ConfigStore } from "./config-store";
import { RegionDashboard } from "./dashboard";
import { FleetRoles } from "./fleet-roles";
import { OutpostSite } from "./outpost-site";
import { stackTags } from "./tags";

export interface FleetStackOutputs {
  readonly outposts: pulumi.Output<Record<string, OutpostOutputs>>;
  readonly kubeconfigs: pulumi.Output<Record<string, string>>;
  readonly configRoot: string;
  readonly dashboardName: pulumi.Output<string>;
}

/** The AWS program for one region stack: shared config, roles and dashboard, then a site per Outpost. */
export function deployAwsFleet(
  config: FleetConfig,
  secrets: Readonly<Record<string, pulumi.Input<string>>>,
): FleetStackOutputs {
  const tags = stackTags(config);
  const store = new ConfigStore(`${config.regionGroup}-config`, { config, secrets, tags });
  const clusterKinds = new Set(config.outposts.map((o) => o.clusterKind ?? config.eks.clusterKind));
  const roles = new FleetRoles(`${config.regionGroup}-roles`, {
    configReadPolicyArn: store.readPolicyArn,
    clusterKinds,
    eksEnabled: config.eks.enabled,
    tags,
  });
  const sites = config.outposts.map((outpost) => {
    const kind = outpost.clusterKind ?? config.eks.clusterKind;
    const clusterRoleArn = roles.clusterRoleArns[kind];
    const eks =
      config.eks.enabled && clusterRoleArn && roles.nodeRoleArn && roles.nodeInstanceProfileArn
        ? {
            clusterRoleArn,
            nodeRoleArn: roles.nodeRoleArn,
            nodeInstanceProfileArn: roles.nodeInstanceProfileArn,
          }
        : undefined;
    return new OutpostSite(outpost.name, {
      config,
      outpost,
      appInstanceProfileArn: roles.appInstanceProfileArn,
      ssmConfigPath: store.root,
      eks,
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
  return { outposts, kubeconfigs, configRoot: store.root, dashboardName: dashboard.dashboardName };
}
