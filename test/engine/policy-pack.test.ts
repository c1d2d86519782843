import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { scratchProject } from "../../automation/engine/scratch-project";
import { loadFleetConfig, readStackFile } from "../../infra/config";
import { policyConfigFor, ReleaseExpectation } from "../../policies/policy-config";
import { requireEngine } from "../support/engine-guard";

const STACK = "local-eu";
const POLICY_PACK = path.resolve(__dirname, "..", "..", "policies");

/**
 * The policy pack through the real CLI, on a preview of a local stack: the way CI and the
 * driver run it. A preview starts no process, so this needs the CLI but not HAProxy.
 */
describe("engine: policy pack on a real preview", function () {
  this.timeout(180_000);
  let work: string;
  let stack: Stack;
  const config = loadFleetConfig(readStackFile(STACK));

  const previewWith = async (expected: ReleaseExpectation) => {
    const file = path.join(
      work,
      `policy-config-${expected.version}-${expected.fingerprint.slice(7, 15)}.json`,
    );
    fs.writeFileSync(file, JSON.stringify(policyConfigFor(config, expected)));
    let output = "";
    const onOutput = (text: string) => (output += text);
    const outcome = await stack
      .preview({ policyPacks: [POLICY_PACK], policyPackConfigs: [file], onOutput })
      .then(
        () => "passed",
        () => "failed",
      );
    return { outcome, output };
  };

  before(async function () {
    requireEngine(this);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-policy-engine-"));
    scratchProject(path.join(work, "project"), [STACK]);
    const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: path.join(work, "project") },
      { pulumiCommand: await pulumiCommand(environment), envVars: environment.env },
    );
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("passes a stack that matches the release and the fleet's fingerprint", async () => {
    const { outcome, output } = await previewWith({
      version: config.release.version,
      fingerprint: config.fingerprint,
    });
    expect(outcome, output).to.equal("passed");
    expect(output).to.not.match(/mandatory/i);
  });

  it("stops a stack that is not on the expected release, naming the policy and the resource", async () => {
    const { outcome, output } = await previewWith({
      version: "9.9.9",
      fingerprint: config.fingerprint,
    });
    expect(outcome).to.equal("failed");
    expect(output).to.include("release-version-consistency");
    expect(output).to.match(/mandatory/i);
    expect(output).to.include(
      "Outpost dub-lab1 blue (active) runs 2.0.0, but it is on the active path; expected 9.9.9.",
    );
    // The stack-wide release lives in the local config store, as in SSM on AWS.
    expect(output).to.include(
      "eu-config-documents document /outpost-fleet/production/eu/release/version runs 2.0.0; the release is 9.9.9.",
    );
  });

  it("stops a stack whose config drifted from the fleet's fingerprint", async () => {
    const { outcome, output } = await previewWith({
      version: config.release.version,
      fingerprint: `sha256:${"0".repeat(64)}`,
    });
    expect(outcome).to.equal("failed");
    expect(output).to.include("consistency-fingerprint");
  });
});
