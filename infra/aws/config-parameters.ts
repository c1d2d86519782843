import { appRuntimeDocument, FleetConfig } from "../config";

/** Root of one stack's config subtree in SSM: <prefix>/<environment>/<regionGroup>. */
export function configRoot(config: FleetConfig): string {
  return `${config.configStore.ssmPathPrefix}/${config.environment}/${config.regionGroup}`;
}

/**
 * The merged config as SSM parameters, one JSON document per section. Deployment state is
 * left out on purpose: it changes with every flip, and a flip must touch only the listener.
 */
export function configParameters(config: FleetConfig): Record<string, string> {
  const root = configRoot(config);
  const sections = {
    app: config.app,
    loadBalancer: config.loadBalancer,
    eks: config.eks,
    region: config.region,
    environment: config.environmentSettings,
    monitoring: config.monitoring,
  };
  const parameters: Record<string, string> = {};
  for (const [section, value] of Object.entries(sections)) {
    parameters[`${root}/${section}`] = JSON.stringify(value);
  }
  for (const outpost of config.outposts) {
    const { name, arn, subnetId, vpcId, availabilityZone, instanceType } = outpost;
    parameters[`${root}/outposts/${name}`] = JSON.stringify({
      name,
      arn,
      subnetId,
      vpcId,
      availabilityZone,
      instanceType,
    });
  }
  parameters[`${root}/release/version`] = config.release.version;
  parameters[`${root}/fingerprint`] = config.fingerprint;
  // What the app runs with, checked by its fingerprint: EC2 instances read it at start
  // (app/ssm-runtime-settings.ts); the local pools and EKS pods get the same document.
  parameters[`${root}/runtime`] = JSON.stringify(appRuntimeDocument(config));
  return parameters;
}
