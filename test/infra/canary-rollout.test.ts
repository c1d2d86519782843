import Ajv from "ajv";
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { loadFleetConfig, readStackFile } from "../../infra/config";
import { analysisTemplateSpec, canarySteps, rolloutSpec } from "../../infra/aws/rollout-spec";
import { recordStack } from "../support/record-stack";
import { ofType } from "./helpers";

const CRD_DIR = path.resolve(__dirname, "..", "..", "..", "shared", "schemas", "argo-rollouts");

/** Validator for a kind, from the upstream CRD's openAPIV3Schema (the controller's own rules). */
function crdValidator(file: string) {
  const crd = parse(fs.readFileSync(path.join(CRD_DIR, file), "utf8")) as {
    spec: { versions: { schema: { openAPIV3Schema: object } }[] };
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(crd.spec.versions[0].schema.openAPIV3Schema);
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
  };

  it("emits a Rollout valid against Argo Rollouts' CRD schema", () => {
    const validate = crdValidator("rollout-crd.yaml");
    const rollout = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "storefront" },
      spec: rolloutSpec(input),
    };
    expect(validate(rollout), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("emits an AnalysisTemplate valid against its CRD schema", () => {
    const validate = crdValidator("analysis-template-crd.yaml");
    const template = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AnalysisTemplate",
      metadata: { name: "storefront-success-rate" },
      spec: analysisTemplateSpec({
        appName: "storefront",
        namespace: "storefront",
        port: 8080,
        versionPath: "/version",
      }),
    };
    expect(validate(template), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("the CRD check catches a broken spec", () => {
    const validate = crdValidator("rollout-crd.yaml");
    const spec = rolloutSpec(input) as { strategy: { canary: { steps: unknown[] } } };
    spec.strategy.canary.steps = [{ setWeight: "ten" }];
    expect(
      validate({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        metadata: { name: "x" },
        spec,
      }),
    ).to.equal(false);
  });

  it("steps 10%, pause, analysis, 50%, pause, analysis, 100%", () => {
    expect(canarySteps(config.eks.canarySteps, "t", "2.0.0")).to.deep.equal([
      { setWeight: 10 },
      { pause: { duration: "2m" } },
      {
        analysis: {
          templates: [{ templateName: "t" }],
          args: [{ name: "version", value: "2.0.0" }],
        },
      },
      { setWeight: 50 },
      { pause: { duration: "5m" } },
      {
        analysis: {
          templates: [{ templateName: "t" }],
          args: [{ name: "version", value: "2.0.0" }],
        },
      },
      { setWeight: 100 },
    ]);
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
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").filter((r) =>
      r.name.startsWith("dub-dc1-"),
    );
    expect(releases.map((r) => r.inputs.chart).sort()).to.deep.equal([
      "argo-rollouts",
      "aws-load-balancer-controller",
    ]);
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
