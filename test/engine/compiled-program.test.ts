/**
 * The engine's compiled program (automation/engine/program-build.ts, engine-program.ts) under
 * the real Pulumi engine: a local stack of two Outposts brought up by the TypeScript source
 * (OUTPOST_FLEET_ENGINE_PROGRAM=source's path), then previewed and updated by the compiled
 * build through the adapter. The build must be a no-op on what the source deployed (the same
 * resources and inputs) and leave every stack output as the source left it; the stack files
 * stay the project's. Needs `npm run toolchain` and HAProxy; skipped with
 * OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { AutomationApiEngine } from "../../automation/engine/automation-api-engine";
import type { ProgramMode } from "../../automation/engine/engine-program";
import {
  PROJECT_ROOT,
  pulumiCommand,
  pulumiEnvironment,
  type PulumiEnvironment,
} from "../../automation/engine/pulumi-environment";
import { systemClock } from "../../automation/support/clock";
import { silentLogger } from "../../automation/support/logger";
import { requireEngine } from "../support/engine-guard";
import { type StackConfig, writeLocalProject } from "./support/local-project";

const STACK = "local-compiled-it";

describe("engine: the compiled program under the real engine", function () {
  this.timeout(300_000);
  let work: string;
  let project: string;
  let environment: PulumiEnvironment;
  let stack: Stack;
  let timingsFile: string;

  const engine = async (program: ProgramMode) =>
    new AutomationApiEngine({
      workDir: project,
      environment,
      command: await pulumiCommand(environment),
      clock: systemClock,
      log: silentLogger(),
      program,
    });

  /** The file the program's last run was loaded from (infra/program-timings.ts). */
  const lastProgramModule = () => {
    const lines = fs.readFileSync(timingsFile, "utf8").trim().split("\n");
    return (JSON.parse(lines.at(-1) as string) as { module: string }).module;
  };

  before(async function () {
    requireEngine(this, { haproxy: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-compiled-"));
    project = path.join(work, "project");
    writeLocalProject(project, {
      [STACK]: {
        from: "local-us",
        edit: (config: StackConfig) => {
          const outposts = config["outpost-fleet:outposts"] as unknown[];
          config["outpost-fleet:outposts"] = outposts.slice(0, 2);
        },
      },
    });
    timingsFile = path.join(work, "program-timings.jsonl");
    const base = pulumiEnvironment({ stateDir: path.join(work, "state") });
    environment = {
      ...base,
      env: {
        ...base.env,
        OUTPOST_FLEET_RUN_DIR: path.join(work, "run"),
        OUTPOST_FLEET_PROGRAM_TIMINGS: timingsFile,
      },
    };
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: project },
      { pulumiCommand: await pulumiCommand(environment), envVars: environment.env },
    );
  });

  after(async () => {
    if (stack) await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("is a no-op on what the source deployed and leaves every output as the source left it", async () => {
    const source = await engine("source");
    await source.prepareStack(STACK);
    await source.up(STACK);
    expect(lastProgramModule()).to.equal(path.join(PROJECT_ROOT, "infra", "program-timings.ts"));
    const fromSource = await stack.outputs();
    const adapterFromSource = await source.outputs(STACK);
    expect(Object.keys(adapterFromSource.outposts)).to.have.length(2);

    const compiled = await engine("compiled");
    await compiled.prepareStack(STACK);
    const preview = await compiled.preview(STACK, { policyPacks: [], policyPackConfigs: [] });
    const module = lastProgramModule();
    expect(module).to.match(
      /\/\.outpost-fleet\/program\/[0-9a-f]{20}\/infra\/program-timings\.js$/,
    );
    expect(module.startsWith(PROJECT_ROOT)).to.equal(true);
    expect(Object.keys(preview.changes), JSON.stringify(preview.changes)).to.deep.equal(["same"]);

    // A targeted up of one Outpost, as a driver step makes it, and a whole one.
    const [first] = Object.keys(adapterFromSource.outposts);
    await compiled.up(STACK, { outposts: [first] });
    await compiled.up(STACK);
    expect(lastProgramModule()).to.equal(module);
    expect(await stack.outputs()).to.deep.equal(fromSource);
    // The adapter's outputs, read from the state file, are the CLI's.
    expect(await compiled.outputs(STACK)).to.deep.equal(adapterFromSource);
    expect(adapterFromSource).to.deep.equal({
      target: fromSource.target.value,
      release: fromSource.release.value,
      outposts: fromSource.outposts.value,
      runtimeFingerprint: fromSource.runtimeFingerprint?.value,
    });

    // Config the compiled engine writes lands in the project's own stack file.
    await compiled.writeDriverConfig(STACK, { release: "2.0.1" });
    const file = parse(fs.readFileSync(path.join(project, `Pulumi.${STACK}.yaml`), "utf8")) as {
      config: Record<string, unknown>;
    };
    expect(file.config["outpost-fleet:release"]).to.deep.equal({ version: "2.0.1" });
    expect((await source.readDriverConfig(STACK)).release).to.equal("2.0.1");
    await compiled.writeDriverConfig(STACK, { release: "2.0.0" });
  });
});
