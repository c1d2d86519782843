/**
 * The pack on the control-plane stack (Pulumi.control.yaml) recorded under strict mocks: every
 * policy passes it, the S3 ones included on its KMS buckets; then the control plane's own
 * policies (ECR, pipeline stage order), one changed field per failure.
 */
import { expect } from "chai";
import { readStackFile } from "../../infra/config";
import { ecrImmutableTags, ecrScanOnPush } from "../../policies/ecr-repositories";
import { fleetPolicies } from "../../policies/pack";
import { pipelineStageOrder } from "../../policies/pipeline-stage-order";
import { requiredTags } from "../../policies/required-tags";
import { s3BucketEncryption, s3PublicAccessBlock, s3TlsOnly } from "../../policies/s3-buckets";
import { recordStack } from "../support/record-stack";
import { failures } from "./support/check";
import { withProp } from "./support/policy-fixtures";
import { packResources } from "./support/recorded";
import { PackResource, runPack } from "./support/run-pack";

const REPOSITORY = "outpost-fleet-images-repository";
const PIPELINE = "outpost-fleet-pipeline-pipeline";

let recording: Promise<PackResource[]> | undefined;
function control(): Promise<PackResource[]> {
  recording ??= recordStack("control", { secrets: {} }).then((r) => packResources(r, "control"));
  return recording;
}

function change(resources: PackResource[], name: string, path: string, value: unknown) {
  return resources.map((r) => (r.name === name ? withProp(r, path, value) : r));
}

type Stage = { name: string; actions: Record<string, unknown>[] };
function stagesOf(resources: PackResource[]): Stage[] {
  return structuredClone(resources.find((r) => r.name === PIPELINE)!.props.stages as Stage[]);
}

describe("policies: the control-plane stack", function () {
  this.timeout(30000);

  it("passes every policy of the pack, with default policy config", async () => {
    const run = await runPack(fleetPolicies, await control());
    expect(run.violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
    // Fleet policies that need the driver's config only say so (a control stack has no release).
    expect(
      run.violations.map((v) => `${v.level} ${v.policy}: ${v.message.replace(/ Pass .*/, "")}`),
    ).to.deep.equal([
      "advisory release-version-consistency: release-version-consistency did not run: its policy config sets no expectedVersion.",
      "advisory consistency-fingerprint: consistency-fingerprint did not run: its policy config sets no expectedFingerprint.",
      "advisory outpost-placement: outpost-placement did not run: its policy config sets no outposts.",
      "advisory outpost-capacity: outpost-capacity did not run: its policy config sets no outposts.",
    ]);
  });

  it("the S3 policies see both KMS buckets and require KMS where asked", async () => {
    const resources = await control();
    const buckets = resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name);
    // The server-access-log bucket is SSE-S3 (S3 delivers access logs to no SSE-KMS bucket):
    // requireKms exempts a bucket that receives them.
    expect(buckets).to.have.members([
      "outpost-fleet-artifacts-bucket",
      "outpost-fleet-state-bucket",
      "outpost-fleet-s3-access-logs-bucket",
    ]);
    expect(
      await failures([s3BucketEncryption, s3PublicAccessBlock, s3TlsOnly], resources, {
        "s3-bucket-encryption": { requireKms: true },
      }),
    ).to.deep.equal([]);
    const open = change(resources, "outpost-fleet-state-public-access", "blockPublicPolicy", false);
    const [v] = await failures([s3PublicAccessBlock], open);
    expect(v.message).to.equal(
      "bucket outpost-fleet-state-bucket's public access block leaves blockPublicPolicy off; set all four to true.",
    );
  });

  it("required-tags covers the control plane's own types", async () => {
    const resources = change(
      await control(),
      "outpost-fleet-builds-deploy",
      "tags.DeploymentId",
      undefined,
    );
    const [v, ...rest] = await failures([requiredTags], resources);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.match(/^is missing tag DeploymentId/);
    expect(v.urn).to.match(/::outpost-fleet-builds-deploy$/);
  });

  describe("ecr-scan-on-push", () => {
    it("passes the release repository", async () => {
      expect(await failures([ecrScanOnPush], await control())).to.deep.equal([]);
    });

    it("fails a repository that does not scan on push", async () => {
      const resources = change(
        await control(),
        REPOSITORY,
        "imageScanningConfiguration.scanOnPush",
        false,
      );
      const [v, ...rest] = await failures([ecrScanOnPush], resources);
      expect(rest).to.deep.equal([]);
      expect(v.message).to.equal(
        "imageScanningConfiguration.scanOnPush is false; set it to true so that every pushed image is scanned.",
      );
      expect(v.urn).to.match(/::outpost-fleet-images-repository$/);
    });

    it("fails a repository without a scanning configuration", async () => {
      const resources = change(
        await control(),
        REPOSITORY,
        "imageScanningConfiguration",
        undefined,
      );
      const [v] = await failures([ecrScanOnPush], resources);
      expect(v.message).to.contain("scanOnPush is null");
    });
  });

  describe("ecr-immutable-tags", () => {
    it("passes the release repository", async () => {
      expect(await failures([ecrImmutableTags], await control())).to.deep.equal([]);
    });

    it("fails mutable tags, and a repository that leaves them at AWS's default", async () => {
      const mutable = change(await control(), REPOSITORY, "imageTagMutability", "MUTABLE");
      const [v] = await failures([ecrImmutableTags], mutable);
      expect(v.message).to.equal(
        'imageTagMutability is "MUTABLE"; set it to "IMMUTABLE" so that a release tag always names the same image.',
      );
      const unset = change(await control(), REPOSITORY, "imageTagMutability", undefined);
      expect(await failures([ecrImmutableTags], unset)).to.have.length(1);
    });

    it("fails a replicas' creation template with mutable tags", async () => {
      const template = "outpost-fleet-images-replica-eu-west-1";
      const resources = change(await control(), template, "imageTagMutability", "MUTABLE");
      const [v, ...rest] = await failures([ecrImmutableTags], resources);
      expect(rest).to.deep.equal([]);
      expect(v.urn).to.match(/::outpost-fleet-images-replica-eu-west-1$/);
    });
  });

  describe("pipeline-stage-order", () => {
    it("passes the release pipeline, and one without approval only where config waives it", async () => {
      const resources = await control();
      expect(await failures([pipelineStageOrder], resources)).to.deep.equal([]);
      const stages = stagesOf(resources).filter((s) => s.name !== "Approval");
      const noApproval = change(resources, PIPELINE, "stages", stages);
      const [v] = await failures([pipelineStageOrder], noApproval);
      expect(v.message).to.equal(
        "pipeline outpost-fleet-pipeline-pipeline has stages Source, Build, Test, Deploy; expected Source, Build, Test, Approval, Deploy.",
      );
      expect(
        await failures([pipelineStageOrder], noApproval, {
          "pipeline-stage-order": { requireApproval: false },
        }),
      ).to.deep.equal([]);
    });

    it("fails production before the staging test", async () => {
      const [source, build, test, approval, deploy] = stagesOf(await control());
      const resources = change(await control(), PIPELINE, "stages", [
        source,
        build,
        approval,
        deploy,
        test,
      ]);
      const [v] = await failures([pipelineStageOrder], resources);
      expect(v.message).to.equal(
        "pipeline outpost-fleet-pipeline-pipeline has stages Source, Build, Approval, Deploy, Test; expected Source, Build, Test, Approval, Deploy.",
      );
    });

    it("fails an approval stage whose action approves nothing", async () => {
      const stages = stagesOf(await control());
      stages[3].actions[0].category = "Build";
      const [v] = await failures(
        [pipelineStageOrder],
        change(await control(), PIPELINE, "stages", stages),
      );
      expect(v.message).to.equal(
        'pipeline outpost-fleet-pipeline-pipeline: stage Approval has action ApproveProduction of category "Build"; expected Approval.',
      );
    });
  });

  it("the example control stack file selects the control target", () => {
    expect(readStackFile("control").target).to.equal("control");
  });
});
