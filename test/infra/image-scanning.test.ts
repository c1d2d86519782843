/**
 * The release image's scan: basic scanning (ECR's own, on push) or enhanced (Amazon
 * Inspector). The roles that read the findings get what the chosen type needs, and only that.
 */
import { expect } from "chai";
import { ConfigValidationError, readStackFile, StackLayer } from "../../infra/config";
import { BUILD_PROJECT_KINDS } from "../../infra/control/build-specs";
import { loadControlConfig } from "../../infra/control/control-config";
import { recordStack, RecordedResource } from "../support/record-stack";
import { ofType } from "./helpers";

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource?: string | string[];
}

function controlLayer(scanType?: unknown): StackLayer {
  const layer = readStackFile("control");
  const control = structuredClone(layer.control) as Record<string, Record<string, unknown>>;
  if (scanType !== undefined) control.ecr = { ...control.ecr, scanType };
  return { ...layer, control };
}

function statements(resources: RecordedResource[], kind: string): Statement[] {
  const policy = ofType(resources, "aws:iam/rolePolicy:RolePolicy").find(
    (p) => p.name === `outpost-fleet-builds-${kind}-policy`,
  )!;
  return (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement;
}

const inspectorActions = (list: Statement[]) =>
  list.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("inspector2:"));

const REPO = "arn:aws:ecr:us-east-1:111122223333:repository/storefront";

describe("the release image's scanning", () => {
  it("basic (the default): ECR scans on push, and the readers need ECR's own findings call only", async () => {
    expect(loadControlConfig(controlLayer()).ecr.scanType).to.equal("basic");
    const { resources } = await recordStack(controlLayer(), { secrets: {} });
    expect(
      ofType(resources, "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"),
    ).to.deep.equal([]);
    const [repository] = ofType(resources, "aws:ecr/repository:Repository");
    expect(repository.inputs.imageScanningConfiguration).to.deep.equal({ scanOnPush: true });
    for (const kind of BUILD_PROJECT_KINDS) {
      expect(inspectorActions(statements(resources, kind)), kind).to.deep.equal([]);
    }
    expect(
      statements(resources, "deploy").find((s) => s.Sid === "ReleaseImageScan"),
    ).to.deep.include({
      Action: "ecr:DescribeImageScanFindings",
      Resource: REPO,
    });
  });

  it("enhanced: the registry scans with Inspector, and the readers may list Inspector's findings", async () => {
    const { resources } = await recordStack(controlLayer("enhanced"), { secrets: {} });
    const [scanning] = ofType(
      resources,
      "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    );
    expect(scanning.name).to.equal("outpost-fleet-images-scanning");
    expect(scanning.inputs).to.deep.equal({
      scanType: "ENHANCED",
      rules: [
        {
          scanFrequency: "SCAN_ON_PUSH",
          repositoryFilters: [{ filter: "storefront", filterType: "WILDCARD" }],
        },
      ],
    });
    const inspector = {
      Sid: "InspectorImageFindings",
      Effect: "Allow",
      Action: ["inspector2:ListCoverage", "inspector2:ListFindings"],
      Resource: "*",
    };
    for (const kind of BUILD_PROJECT_KINDS) {
      const found = statements(resources, kind).filter((s) => s.Sid === inspector.Sid);
      const reads = kind === "security-scan" || kind === "deploy";
      expect(found, kind).to.deep.equal(reads ? [inspector] : []);
    }
  });

  it("refuses another scan type, naming both", () => {
    let problems: readonly { key: string; allowed: string }[] = [];
    try {
      loadControlConfig(controlLayer("advanced"));
    } catch (error) {
      if (error instanceof ConfigValidationError) problems = error.problems;
    }
    expect(problems.map((p) => [p.key, p.allowed])).to.deep.equal([
      ["outpost-fleet:control.ecr.scanType", "must be basic or enhanced"],
    ]);
  });
});
