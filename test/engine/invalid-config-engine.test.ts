import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { scratchProject } from "../../automation/engine/scratch-project";
import { requireEngine } from "../support/engine-guard";

describe("engine: a bad config on the real engine", function () {
  this.timeout(120_000);
  let work: string;

  before(function () {
    requireEngine(this);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bad-config-"));
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("lists every problem, prints no stack trace and creates nothing", async () => {
    const project = scratchProject(path.join(work, "project"), ["local-eu"]);
    const file = path.join(project, "Pulumi.local-eu.yaml");
    const broken = fs
      .readFileSync(file, "utf8")
      .replace("candidateWeight: 0", "candidateWeight: 150")
      .replace("activeColor: blue", "activeColor: purple");
    fs.writeFileSync(file, broken);
    const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
    const envVars = { ...environment.env, OUTPOST_FLEET_RUN_DIR: path.join(work, "run") };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "local-eu", workDir: project },
      { pulumiCommand: await pulumiCommand(environment), envVars },
    );
    let output = "";
    const failed = await stack.up({ onOutput: (text) => (output += text) }).then(
      () => false,
      () => true,
    );
    expect(failed).to.equal(true);
    expect(output).to.include("Invalid outpost-fleet configuration (2 problems):");
    expect(output).to.include(
      'outpost-fleet:deployment.dub-lab1.activeColor = "purple": must be blue or green',
    );
    expect(output).to.include(
      "outpost-fleet:deployment.dub-lab1.candidateWeight = 150: must be from 0 to 100",
    );
    expect(output).to.not.match(/\n\s+at .+:\d+:\d+/);
    const state = (await stack.exportStack()).deployment as { resources?: { type: string }[] };
    expect(
      (state.resources ?? []).map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack"),
    ).to.deep.equal([]);
    expect(fs.existsSync(path.join(work, "run"))).to.equal(false);
  });
});
