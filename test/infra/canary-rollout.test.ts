import { expect } from "chai";
import { AnalysisTemplate } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { appRuntimeDocument, loadFleetConfig, readStackFile } from "../../infra/config";
import {
  analysisTemplateSpec,
  canarySteps,
  pauseFloors,
  ROLLOUT_PAUSE_FLOORS_ANNOTATION,
  rolloutSpec,
} from "../../infra/aws/rollout-spec";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

/**
 * The CRD schemas come from @kubernetes-models/argo-rollouts, whose validators are generated
 * from Argo Rollouts' own CRDs (the openAPIV3Schema of each kind), so the project checks specs
 * with nothing beside the clone. validate() throws with the schema's words on a broken spec.
 */
type RolloutInit = ConstructorParameters<typeof Rollout>[0];
type AnalysisTemplateInit = ConstructorParameters<typeof AnalysisTemplate>[0];

function rolloutProblems(spec: unknown): string | undefined {
  try {
    new Rollout({ metadata: { name: "storefront" }, spec } as RolloutInit).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("EKS canary rollout", () => {
  const config = loadFleetConfig(readStackFile("eu"));
  const input = {
    appName: config.app.name,
    namespace: config.eks.namespace,
    outpost: "dub-dc1",
    image: config.release.image,
    version: config.release.version,
    port: config.app.port,
    healthPath: "/health",
    readyPath: "/ready",
    replicas: 4,
    resources: config.eks.resources,
    steps: config.eks.canarySteps,
    region: config.awsRegion,
    runtimeFingerprint: appRuntimeDocument(config).fingerprint,
  };

  it("emits a Rollout valid against Argo Rollouts' CRD schema", () => {
    expect(rolloutProblems(rolloutSpec(input))).to.equal(undefined);
  });

  it("emits an AnalysisTemplate valid against its CRD schema", () => {
    const template = new AnalysisTemplate({
      metadata: { name: "storefront-success-rate" },
      spec: analysisTemplateSpec({
        appName: "storefront",
        namespace: "storefront",
        port: 8080,
        versionPath: "/version",
      }),
    } as AnalysisTemplateInit);
    expect(() => template.validate()).to.not.throw();
  });

  it("the CRD check catches a broken spec", () => {
    const spec = rolloutSpec(input) as { strategy: { canary: { steps: unknown[] } } };
    spec.strategy.canary.steps = [{ setWeight: "ten" }];
    expect(rolloutProblems(spec)).to.include("steps/0/setWeight must be integer");
  });

  it("scales the canary up front, then steps 10%, pause, 50%, pause, 100%: indefinite pauses with their durations as floors", () => {
    expect(canarySteps(config.eks.canarySteps)).to.deep.equal([
      { setCanaryScale: { weight: 100 } },
      { setWeight: 10 },
      { pause: {} },
      { setWeight: 50 },
      { pause: {} },
      { setWeight: 100 },
    ]);
    // config/layers/global.yaml's pauses end on evidence alone; a duration is a floor, by the
    // pause's index in the emitted steps.
    expect(pauseFloors(config.eks.canarySteps)).to.deep.equal({ "2": 0, "4": 0 });
    expect(
      pauseFloors([
        { setWeight: 10 },
        { pause: { duration: "2m" } },
        { setWeight: 50 },
        { pause: { duration: "5m" } },
      ]),
    ).to.deep.equal({ "1": 120, "3": 300 });
    expect(pauseFloors([{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }])).to.deep.equal({
      "1": 0,
    });
    // A setCanaryScale is a step of its own in the emitted list: the pauses after it move on.
    expect(
      pauseFloors([
        { setCanaryScale: { weight: 50 } },
        { setWeight: 20 },
        { pause: { duration: "1m" } },
      ]),
    ).to.deep.equal({ "2": 60 });
  });

  it("runs the analysis in the background from the first traffic step, not inline, until the steps end", () => {
    const spec = rolloutSpec(input) as { strategy: { canary: { analysis: unknown } } };
    expect(spec.strategy.canary.analysis).to.deep.equal({
      templates: [{ templateName: "storefront-success-rate" }],
      args: [{ name: "version", value: input.version }],
      // The shipped steps open with setCanaryScale: the analysis starts after setWeight 10.
      startingStep: 2,
    });
    const weightFirst = rolloutSpec({
      ...input,
      steps: [{ setWeight: 20 }, { pause: {} }],
    }) as { strategy: { canary: { analysis: { startingStep: number } } } };
    expect(weightFirst.strategy.canary.analysis.startingStep).to.equal(1);
    const template = analysisTemplateSpec({
      appName: "storefront",
      namespace: "storefront",
      port: 8080,
      versionPath: "/version",
    }) as { metrics: Record<string, unknown>[] };
    expect(template.metrics[0]).to.not.have.property("count");
  });

  it("annotates the Rollout with its pauses' floors for the driver", async () => {
    const { resources } = await recordStack("eu");
    const rollout = ofType(resources, "kubernetes:argoproj.io/v1alpha1:Rollout").find(
      (r) => r.name === "dub-dc1-rollout",
    );
    const metadata = rollout?.inputs.metadata as { annotations: Record<string, string> };
    expect(JSON.parse(metadata.annotations[ROLLOUT_PAUSE_FLOORS_ANNOTATION])).to.deep.equal({
      "2": 0,
      "4": 0,
    });
  });

  it("pins pods to the Outpost's nodes with probes and limits, routed through the ALB", async () => {
    const { resources } = await recordStack("eu");
    const rollout = ofType(resources, "kubernetes:argoproj.io/v1alpha1:Rollout").find(
      (r) => r.name === "dub-dc1-rollout",
    );
    const spec = rollout?.inputs.spec as ReturnType<typeof rolloutSpec> & {
      template: { spec: { nodeSelector: object; containers: Record<string, unknown>[] } };
      strategy: { canary: { trafficRouting: object } };
    };
    expect(spec.template.spec.nodeSelector).to.deep.equal({ "outpost-fleet/outpost": "dub-dc1" });
    const [container] = spec.template.spec.containers;
    expect(container.image).to.equal(
      "111122223333.dkr.ecr.us-east-1.amazonaws.com/storefront:2.0.0",
    );
    expect(container.livenessProbe).to.deep.include({ httpGet: { path: "/health", port: 8080 } });
    expect(container.readinessProbe).to.deep.include({ httpGet: { path: "/ready", port: 8080 } });
    expect(container.resources).to.deep.equal({
      requests: { cpu: "500m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    expect(spec.strategy.canary.trafficRouting).to.deep.equal({
      alb: { ingress: "storefront", servicePort: 80, rootService: "storefront" },
    });
    // A rollback to a recent revision returns at once, skipping the steps.
    expect(spec).to.deep.include({ revisionHistoryLimit: 3, rollbackWindow: { revisions: 2 } });
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").filter((r) =>
      r.name.startsWith("dub-dc1-"),
    );
    expect(releases.map((r) => r.inputs.chart).sort()).to.deep.equal([
      "argo-rollouts",
      "aws-load-balancer-controller",
    ]);
  });

  it("gives the pods their runtime settings from a ConfigMap rendered from the stack's runtime document", async () => {
    const { resources } = await recordStack("eu");
    const runtime = appRuntimeDocument(config);
    const configMap = ofType(resources, "kubernetes:core/v1:ConfigMap").find(
      (r) => r.name === "dub-dc1-runtime-settings",
    );
    expect(configMap?.inputs.metadata).to.deep.equal({
      name: "storefront-runtime",
      namespace: "storefront",
    });
    const data = configMap?.inputs.data as Record<string, string>;
    expect(JSON.parse(data["settings.json"])).to.deep.equal(runtime.settings);
    expect(data.fingerprint).to.equal(runtime.fingerprint);
    expect(runtime.settings).to.include({ complianceMode: "GDPR", dataResidency: "eu" });

    const rollout = ofType(resources, "kubernetes:argoproj.io/v1alpha1:Rollout").find(
      (r) => r.name === "dub-dc1-rollout",
    );
    const template = (
      rollout?.inputs.spec as {
        template: {
          metadata: { annotations: Record<string, string> };
          spec: { containers: { env: { name: string }[] }[] };
        };
      }
    ).template;
    expect(template.spec.containers[0].env).to.deep.include({
      name: "APP_RUNTIME_CONFIG",
      valueFrom: { configMapKeyRef: { name: "storefront-runtime", key: "settings.json" } },
    });
    // The fingerprint in the pod template: a settings change rolls the pods.
    expect(template.metadata.annotations).to.deep.equal({
      "outpost-fleet.io/runtime-fingerprint": runtime.fingerprint,
    });
  });

  it("a settings change changes the pod template, and the spec stays valid", () => {
    const changed = { ...input, runtimeFingerprint: "sha256:" + "0".repeat(64) };
    expect(rolloutProblems(rolloutSpec(changed))).to.equal(undefined);
    expect(JSON.stringify(rolloutSpec(changed))).to.not.equal(JSON.stringify(rolloutSpec(input)));
  });

  it("an extended cluster runs its control plane in the region, without outpostConfig", async () => {
    const layer = readStackFile("us");
    const outposts = (layer.outposts as Record<string, unknown>[]).map((o, i) =>
      i === 0
        ? {
            ...o,
            clusterKind: "extended",
            regionSubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
          }
        : o,
    );
    const { resources } = await recordStack({ ...layer, outposts });
    const cluster = ofType(resources, "aws:eks/cluster:Cluster").find(
      (r) => r.name === "nyc-dc1-eks",
    );
    expect(cluster?.inputs.outpostConfig).to.equal(undefined);
    expect(cluster?.inputs.vpcConfig).to.deep.include({
      subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      endpointPublicAccess: false,
    });
    expect(ofType(resources, "aws:iam/role:Role").map((r) => r.name)).to.include(
      "us-roles-extended-cluster",
    );
  });
});
