import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { RolloutOutputs } from "../contract";
import { CanaryStepConfig, imageFor, RuntimeDocument } from "../config";
import {
  ingressAnnotations,
  ingressEndpointOf,
  IngressAnnotationInput,
} from "./ingress-annotations";
import { CONTROLLER_SERVICE_ACCOUNTS, ControllerRoleArns } from "./controller-roles";
import {
  analysisTemplateSpec,
  pauseFloors,
  ROLLOUT_PAUSE_FLOORS_ANNOTATION,
  rolloutNames,
  rolloutSpec,
} from "./rollout-spec";
import { runtimeConfigMapData, runtimeConfigMapName } from "./runtime-config-map";
import { AccessLogTarget } from "./traffic-switch";

/** The app as the Rollout runs it. */
export interface CanaryAppSettings {
  readonly name: string;
  readonly port: number;
  readonly healthPath: string;
  readonly readyPath: string;
  readonly versionPath: string;
  /** Image `<imageRepository>:<version>`. */
  readonly imageRepository: string;
}

/** The Ingress ALB that Argo shifts weights on. */
export interface CanaryIngressSettings {
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly scheme: "internal" | "internet-facing";
  /** The Outpost's CoIP pool, for an internet-facing ALB. */
  readonly customerOwnedIpv4Pool?: string;
  readonly deregistrationDelaySeconds: number;
  readonly deletionProtection: boolean;
  /** Access logs to the Region's bucket; undefined: off. */
  readonly accessLogs?: AccessLogTarget;
  /** The site's tags, for the ALB the controller makes. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface CanaryRolloutArgs {
  /** Outpost name; prefixes every logical name and selects its nodes. */
  readonly outpost: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly region: string;
  readonly provider: k8s.Provider;
  readonly clusterName: pulumi.Input<string>;
  readonly app: CanaryAppSettings;
  /**
   * The version the Rollout runs: the Outpost's `deployment.<o>.rolloutVersion`, never the
   * stack-wide release, so the canary starts when the driver's `canary` step moves it.
   */
  readonly version: string;
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
  readonly ingress: CanaryIngressSettings;
  /** The app's runtime settings and fingerprint (appRuntimeDocument), as a ConfigMap. */
  readonly runtime: RuntimeDocument;
  /**
   * The controllers' own roles (IRSA, extended clusters). Undefined: they run on the node role
   * (local clusters have no IRSA).
   */
  readonly controllerRoleArns?: ControllerRoleArns;
}

/** A chart's service account, annotated with its IRSA role; none without one. */
function serviceAccountValues(
  account: { readonly name: string },
  roleArn: pulumi.Input<string> | undefined,
): { serviceAccount?: { name: string; annotations: Record<string, pulumi.Input<string>> } } {
  if (roleArn === undefined) return {};
  return {
    serviceAccount: {
      name: account.name,
      annotations: { "eks.amazonaws.com/role-arn": roleArn },
    },
  };
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
  /** The Rollout and its own front door (the Ingress ALB), for the stack outputs. */
  readonly rollout: pulumi.Output<RolloutOutputs>;

  constructor(name: string, args: CanaryRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:eks:CanaryRollout", name, {}, opts);
    const { app } = args;
    const o = args.outpost;
    const names = rolloutNames(app.name);
    const namespace = args.namespace;
    const spec = rolloutSpec({
      appName: app.name,
      namespace,
      outpost: o,
      image: imageFor(app.imageRepository, args.version),
      version: args.version,
      port: app.port,
      healthPath: app.healthPath,
      readyPath: app.readyPath,
      replicas: args.replicas,
      resources: args.resources,
      steps: args.steps,
      region: args.region,
      runtimeFingerprint: args.runtime.fingerprint,
    });
    const analysis = analysisTemplateSpec({
      appName: app.name,
      namespace,
      port: app.port,
      versionPath: app.versionPath,
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
        version: args.chartVersions.argoRollouts,
        repositoryOpts: { repo: ARGO_ROLLOUTS_CHART.repo },
        namespace: CONTROLLER_SERVICE_ACCOUNTS.argoRollouts.namespace,
        createNamespace: true,
        values: {
          controller: { replicas: 2 },
          dashboard: { enabled: false },
          ...serviceAccountValues(
            CONTROLLER_SERVICE_ACCOUNTS.argoRollouts,
            args.controllerRoleArns?.argoRollouts,
          ),
        },
      },
      k8sOpts,
    );
    // On a local cluster the controller runs on the node role (no IRSA there: fleet-iam.ts); on
    // an extended one, on its own role. Outposts have no WAF.
    const albController = new k8s.helm.v3.Release(
      `${o}-aws-load-balancer-controller`,
      {
        chart: ALB_CONTROLLER_CHART.chart,
        version: args.chartVersions.albController,
        repositoryOpts: { repo: ALB_CONTROLLER_CHART.repo },
        namespace: CONTROLLER_SERVICE_ACCOUNTS.albController.namespace,
        values: {
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          enableShield: false,
          enableWaf: false,
          enableWafv2: false,
          ...serviceAccountValues(
            CONTROLLER_SERVICE_ACCOUNTS.albController,
            args.controllerRoleArns?.albController,
          ),
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
            selector: { app: app.name },
            ports: [{ name: "http", port: 80, targetPort: app.port }],
          },
        },
        inNamespace,
      );
    const runtimeSettings = new k8s.core.v1.ConfigMap(
      `${o}-runtime-settings`,
      {
        metadata: { name: runtimeConfigMapName(app.name), namespace },
        data: runtimeConfigMapData(args.runtime),
      },
      inNamespace,
    );
    const services = [
      service(app.name),
      service(names.stableService),
      service(names.canaryService),
    ];
    const { ingress: settings } = args;
    const annotationInput = (bucket: string | undefined): IngressAnnotationInput => ({
      subnetId: args.subnetId,
      scheme: settings.scheme,
      customerOwnedIpv4Pool: settings.customerOwnedIpv4Pool,
      certificateArn: settings.certificateArn,
      sslPolicy: settings.sslPolicy,
      healthPath: app.healthPath,
      deregistrationDelaySeconds: settings.deregistrationDelaySeconds,
      deletionProtection: settings.deletionProtection,
      tags: settings.tags,
      accessLogs:
        settings.accessLogs && bucket !== undefined
          ? { bucket, prefix: settings.accessLogs.prefix }
          : undefined,
    });
    const annotations = settings.accessLogs
      ? pulumi
          .output(settings.accessLogs.bucket)
          .apply((bucket) => ingressAnnotations(annotationInput(bucket)))
      : pulumi.output(ingressAnnotations(annotationInput(undefined)));
    const ingress = new k8s.networking.v1.Ingress(
      `${o}-ingress`,
      {
        metadata: { name: names.ingress, namespace, annotations },
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
                      service: { name: app.name, port: { name: "use-annotation" } },
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
        metadata: {
          name: names.rollout,
          namespace,
          labels: { app: app.name },
          // The pauses' floors, for the driver that promotes them on evidence.
          annotations: {
            [ROLLOUT_PAUSE_FLOORS_ANNOTATION]: JSON.stringify(pauseFloors(args.steps)),
          },
        },
        spec,
      },
      { ...inNamespace, dependsOn: [ns, argo, ingress, template, runtimeSettings, ...services] },
    );
    this.rollout = ingress.status.apply((status) => ({
      name: names.rollout,
      namespace,
      version: args.version,
      stableService: names.stableService,
      canaryService: names.canaryService,
      ingressEndpoint: ingressEndpointOf(status),
    }));
    this.registerOutputs({ rollout: this.rollout });
  }
}
