import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { scratchProject } from "../../automation/engine/scratch-project";
import { requireEngine } from "../support/engine-guard";

/**
 * The control-plane stack on the real engine: Pulumi accepts its config against Pulumi.yaml
 * (every declared key has a default, so it need not set the fleet's keys), the entry point
 * hands the program its layer with the engine's defaults, and a bad value is our clear error.
 * No AWS provider plugin is needed: validation fails before any resource is registered.
 */
describe("engine: the control-plane stack's config on the real engine", function () {
  this.timeout(120_000);
  let work: string;

  before(function () {
    requireEngine(this);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-control-"));
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("passes Pulumi's project config check and reports only our problems", async () => {
    const project = scratchProject(path.join(work, "project"), ["control"]);
    const file = path.join(project, "Pulumi.control.yaml");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace("npmAuditLevel: high", "npmAuditLevel: severe"),
    );
    const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "control", workDir: project },
      { pulumiCommand: await pulumiCommand(environment), envVars: environment.env },
    );
    let output = "";
    const failed = await stack.preview({ onOutput: (text) => (output += text) }).then(
      () => false,
      (error: Error) => ((output += error.message), true),
    );
    expect(failed).to.equal(true);
    expect(output).to.not.include("missing configuration value");
    expect(output).to.include("Invalid outpost-fleet configuration (1 problem):");
    expect(output).to.include(
      'outpost-fleet:control.npmAuditLevel = "severe": must be low, moderate, high or critical',
    );
    expect(output).to.not.match(/\n\s+at .+:\d+:\d+/);
  });
});
