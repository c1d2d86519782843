import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { FleetConfig, OutpostConfig } from "../config";
import { analysisTemplateSpec, rolloutNames, rolloutSpec } from "./rollout-spec";

export interface CanaryRolloutArgs {
  readonly config: FleetConfig;
  readonly outpost: OutpostConfig;
  readonly provider: k8s.Provider;
  readonly clusterName: pulumi.Input<string>;
}

export const ARGO_ROLLOUTS_CHART = {
  chart: "argo-rollouts",
  repo: "https://argoproj.github.io/argo-helm",
};
export const ALB_CONTROLLER_CHART = {
  chart: "aws-load-balancer-controller",
  repo: "https://aws.github.io/eks-charts",
};

/**
 * The app on one Outpost's cluster as an Argo Rollouts canary: the controllers, stable and
 * canary Services, the ALB ingress Argo shifts weights on, the analysis, and the Rollout.
 * Specs are checked against the Argo CRD schema before anything is registered.
 */
export class CanaryRollout extends pulumi.ComponentResource {
  readonly rolloutName: string;
  readonly namespace: string;

  constructor(name: string, args: CanaryRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:eks:CanaryRollout", name, {}, opts);
    const { config, outpost } = args;
    const o = outpost.name;
    const names = rolloutNames(config.app.name);
    const namespace = config.eks.namespace;
    const input = {
      appName: config.app.name,
      namespace,
      outpost: o,
      image: config.release.image,
      version: config.release.version,
      port: config.app.port,
      healthPath: config.app.healthPath,
      readyPath: config.app.readyPath,
      replicas: config.eks.replicas,
      resources: config.eks.resources,
      steps: config.eks.canarySteps,
      region: config.awsRegion,
    };
    const spec = rolloutSpec(input);
    const analysis = analysisTemplateSpec({
      appName: config.app.name,
      namespace,
      port: config.app.port,
      versionPath: config.app.versionPath,
    });
    // Fail here, with the CRD's own words, rather than in the cluster halfway through an update.
    new Rollout({ metadata: { name: names.rollout, namespace }, spec } as ConstructorParameters<
      typeof Rollout
    >[0]).validate();
    new AnalysisTemplate({
      metadata: { name: names.analysisTemplate, namespace },
      spec: analysis,
    } as ConstructorParameters<typeof AnalysisTemplate>[0]).validate();

    const k8sOpts = { parent: this, provider: args.provider };
    const ns = new k8s.core.v1.Namespace(
      `${o}-namespace`,
      { metadata: { name: namespace } },
      k8sOpts,
    );
    const argo = new k8s.helm.v3.Release(
      `${o}-argo-rollouts`,
      {
        chart: ARGO_ROLLOUTS_CHART.chart,
        version: config.eks.argoRolloutsChartVersion,
        repositoryOpts: { repo: ARGO_ROLLOUTS_CHART.repo },
        namespace: "argo-rollouts",
        createNamespace: true,
        values: { controller: { replicas: 2 }, dashboard: { enabled: false } },
      },
      k8sOpts,
    );
    // No IRSA on local clusters: the controller runs on the node role. Outposts have no WAF.
    const albController = new k8s.helm.v3.Release(
      `${o}-aws-load-balancer-controller`,
      {
        chart: ALB_CONTROLLER_CHART.chart,
        version: config.eks.albControllerChartVersion,
        repositoryOpts: { repo: ALB_CONTROLLER_CHART.repo },
        namespace: "kube-system",
        values: {
          clusterName: args.clusterName,
          region: config.awsRegion,
          vpcId: outpost.vpcId,
          enableShield: false,
          enableWaf: false,
          enableWafv2: false,
        },
      },
      k8sOpts,
    );
    const inNamespace = { parent: this, provider: args.provider, dependsOn: [ns] };
    const service = (serviceName: string) =>
      new k8s.core.v1.Service(
        `${o}-${serviceName}`,
        {
          metadata: { name: serviceName, namespace },
          spec: {
            selector: { app: config.app.name },
            ports: [{ name: "http", port: 80, targetPort: config.app.port }],
          },
        },
        inNamespace,
      );
    const services = [
      service(config.app.name),
      service(names.stableService),
      service(names.canaryService),
    ];
    const ingress = new k8s.networking.v1.Ingress(
      `${o}-ingress`,
      {
        metadata: {
          name: names.ingress,
          namespace,
          annotations: {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/subnets": outpost.subnetId,
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTPS: 443 }]),
            "alb.ingress.kubernetes.io/certificate-arn": config.certificateArn,
            "alb.ingress.kubernetes.io/ssl-policy": config.loadBalancer.sslPolicy,
            "alb.ingress.kubernetes.io/healthcheck-path": config.app.healthPath,
            "alb.ingress.kubernetes.io/load-balancer-attributes":
              "routing.http.drop_invalid_header_fields.enabled=true",
            "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${config.loadBalancer.deregistrationDelaySeconds}`,
          },
        },
        spec: {
          ingressClassName: "alb",
          rules: [
            {
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: {
                      service: { name: config.app.name, port: { name: "use-annotation" } },
                    },
                  },
                ],
              },
            },
          ],
        },
      },
      { ...inNamespace, dependsOn: [ns, albController, ...services] },
    );
    const template = new k8s.apiextensions.CustomResource(
      `${o}-analysis`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AnalysisTemplate",
        metadata: { name: names.analysisTemplate, namespace },
        spec: analysis,
      },
      { ...inNamespace, dependsOn: [ns, argo] },
    );
    new k8s.apiextensions.CustomResource(
      `${o}-rollout`,
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: names.rollout, namespace, labels: { app: config.app.name } },
        spec,
      },
      { ...inNamespace, dependsOn: [ns, argo, ingress, template, ...services] },
    );
    this.rolloutName = names.rollout;
    this.namespace = namespace;
    this.registerOutputs({ rolloutName: names.rollout, namespace });
  }
}
