/**
 * The Automation-API adapter against the real engine (CLI from `npm run toolchain`, file
 * backend) on a small program with the driver's contract. Skipped without the toolchain or
 * with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { AutomationApiEngine } from "../../automation/engine/automation-api-engine";
import { PendingOperationsError } from "../../automation/engine/engine-port";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { systemClock } from "../../automation/support/clock";
import { silentLogger } from "../../automation/support/logger";
import {
  FIXTURE_POLICY_PACK,
  FIXTURE_PROGRAM,
  fixtureFolder,
} from "./support/engine-fixture-program";
import { requireEngine } from "../support/engine-guard";
import { killSession } from "../support/run-processes";

const state = (active: "blue" | "green", blue = "2.0.0", green = "2.0.0") => ({
  blueVersion: blue,
  greenVersion: green,
  activeColor: active,
  candidateWeight: 0,
  idleWarm: false,
  rolloutVersion: active === "blue" ? blue : green,
});

describe("engine: Automation-API adapter on the real engine", function () {
  this.timeout(120_000);
  let workDir: string;
  let programDir: string;
  let policyDir: string;
  let engine: AutomationApiEngine;
  let engineWith: (attempts: number) => AutomationApiEngine;

  before(async function () {
    requireEngine(this);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-adapter-"));
    programDir = fixtureFolder(path.join(workDir, "program"), {
      "Pulumi.yaml": "name: fleet-fixture\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "fleet-fixture", private: true }),
      "index.ts": FIXTURE_PROGRAM,
      "Pulumi.t1.yaml": [
        "config:",
        "  outpost-fleet:outposts: [{ name: op-a }, { name: op-b }]",
        "  outpost-fleet:release: { version: 2.0.0 }",
        "  outpost-fleet:deployment:",
        ...["op-a", "op-b"].map(
          (o) =>
            `    ${o}: { blueVersion: 2.0.0, greenVersion: 2.0.0, activeColor: blue, candidateWeight: 0, idleWarm: false }`,
        ),
        "",
      ].join("\n"),
    });
    policyDir = fixtureFolder(path.join(workDir, "policy"), {
      "PulumiPolicy.yaml": "runtime: nodejs\n",
      "package.json": JSON.stringify({ name: "fleet-fixture-policy", version: "1.0.0" }),
      "index.ts": FIXTURE_POLICY_PACK,
    });
    const environment = pulumiEnvironment({ stateDir: path.join(workDir, "state") });
    environment.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    const command = await pulumiCommand(environment);
    engineWith = (attempts) =>
      new AutomationApiEngine({
        workDir: programDir,
        environment,
        command,
        clock: systemClock,
        log: silentLogger(),
        baseDelayMs: 200,
        attempts,
      });
    engine = engineWith(20);
    await engine.prepareStack("t1");
  });

  after(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** The stack-wide resource's release, from the state (it is under no site). */
  async function stackWideRelease(): Promise<string | undefined> {
    const environment = pulumiEnvironment({ stateDir: path.join(workDir, "state") });
    const stack = await LocalWorkspace.selectStack(
      { stackName: "t1", workDir: programDir },
      { pulumiCommand: await pulumiCommand(environment), envVars: environment.env },
    );
    return (await stack.outputs()).stackWideRelease?.value as string | undefined;
  }

  it("reads the driver's keys and updates the whole stack", async () => {
    expect(await engine.readDriverConfig("t1")).to.deep.equal({
      release: "2.0.0",
      deployment: { "op-a": state("blue"), "op-b": state("blue") },
    });
    await engine.up("t1");
    const outputs = await engine.outputs("t1");
    expect(outputs.target).to.equal("local");
    expect(Object.keys(outputs.outposts)).to.deep.equal(["op-a", "op-b"]);
    expect(await engine.kubeconfig("t1", "op-a")).to.contain("kind: Config");
  });

  it("writes only the named Outposts' states, typed, through config paths", async () => {
    await engine.writeDriverConfig("t1", {
      release: "2.1.0",
      deployment: { "op-a": { ...state("green", "2.0.0", "2.1.0"), idleWarm: true } },
    });
    const yaml = parse(fs.readFileSync(path.join(programDir, "Pulumi.t1.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    expect(yaml.config["outpost-fleet:deployment"]["op-a"]).to.deep.equal({
      blueVersion: "2.0.0",
      greenVersion: "2.1.0",
      activeColor: "green",
      candidateWeight: 0,
      idleWarm: true,
      rolloutVersion: "2.1.0",
    });
    // op-b is left exactly as the stack file had it (without the optional rolloutVersion).
    expect(yaml.config["outpost-fleet:deployment"]["op-b"]).to.deep.equal({
      blueVersion: "2.0.0",
      greenVersion: "2.0.0",
      activeColor: "blue",
      candidateWeight: 0,
      idleWarm: false,
    });
    expect(yaml.config["outpost-fleet:release"]).to.deep.equal({ version: "2.1.0" });
    expect(yaml.config["outpost-fleet:outposts"]).to.have.length(2);
  });

  it("limits an up to one Outpost's resources (targets)", async () => {
    await engine.writeDriverConfig("t1", {
      deployment: { "op-b": state("green", "2.0.0", "2.1.0") },
    });
    await engine.up("t1", { outposts: ["op-a"] });
    const outputs = await engine.outputs("t1");
    expect(outputs.outposts["op-a"].activeColor).to.equal("green");
    expect(outputs.outposts["op-b"].activeColor, "op-b was not targeted").to.equal("blue");
    expect(outputs.release).to.equal("2.1.0");
    // The stack-wide resource is under no site: only an untargeted up moves it.
    expect(await stackWideRelease()).to.equal("2.0.0");
    const preview = await engine.preview("t1", { policyPacks: [], policyPackConfigs: [] });
    expect(preview.changes.update).to.be.greaterThan(0);
    await engine.writeDriverConfig("t1", { deployment: { "op-b": state("blue") } });
    await engine.up("t1");
    expect(await stackWideRelease()).to.equal("2.1.0");
  });

  it("brings a stale stack file (a fresh checkout) up to what the backend last deployed", async () => {
    await engine.writeDriverConfig("t1", {
      deployment: { "op-a": state("green", "2.0.0", "2.1.0") },
    });
    await engine.up("t1", { outposts: ["op-a"] });
    // Another runner's checkout: the stack file still says op-a is on blue.
    const file = path.join(programDir, "Pulumi.t1.yaml");
    const stale = fs.readFileSync(file, "utf8").replace(/activeColor: green/, "activeColor: blue");
    fs.writeFileSync(file, stale);
    expect((await engine.readDriverConfig("t1")).deployment["op-a"].activeColor).to.equal("blue");
    await engine.prepareStack("t1");
    expect((await engine.readDriverConfig("t1")).deployment["op-a"]).to.deep.equal(
      state("green", "2.0.0", "2.1.0"),
    );
  });

  it("retries an update that meets another update of the same stack", async () => {
    await engine.writeDriverConfig("t1", { deployment: { "op-b": state("blue") } });
    await Promise.all([
      engine.up("t1", { outposts: ["op-b"] }),
      engine.up("t1", { outposts: ["op-a"] }),
    ]);
    expect((await engine.outputs("t1")).outposts["op-b"].activeColor).to.equal("blue");
  });

  it("removes a stack lock only when it is provably ours and dead: this user, this host", async () => {
    const locks = path.join(
      workDir,
      "state",
      ".pulumi",
      "locks",
      "organization",
      "fleet-fixture",
      "t1",
    );
    fs.mkdirSync(locks, { recursive: true });
    const lock = {
      pid: 999_999,
      username: os.userInfo().username,
      hostname: os.hostname(),
      timestamp: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(locks, "6f1d2c3b-dead-beef.json"), JSON.stringify(lock));
    await engine.up("t1", { outposts: ["op-a"] });
    expect(fs.readdirSync(locks)).to.deep.equal([]);

    // Another user's lock is never touched, even when its process is gone.
    const theirs = { ...lock, username: "ghost" };
    fs.writeFileSync(path.join(locks, "0a1b2c3d-ghost.json"), JSON.stringify(theirs));
    const blocked = await engineWith(2)
      .up("t1", { outposts: ["op-a"] })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(String(blocked)).to.match(/locked/);
    expect(fs.readdirSync(locks)).to.deep.equal(["0a1b2c3d-ghost.json"]);
    fs.rmSync(path.join(locks, "0a1b2c3d-ghost.json"));
  });

  it("stops on pending operations, naming them, until a repair refreshes the stack", async () => {
    const environment = pulumiEnvironment({ stateDir: path.join(workDir, "state") });
    const stack = await LocalWorkspace.selectStack(
      { stackName: "t1", workDir: programDir },
      { pulumiCommand: await pulumiCommand(environment), envVars: environment.env },
    );
    // A new Outpost whose create takes two minutes; the update is killed in the middle.
    const marker = path.join(workDir, "op-slow.creating");
    await stack.setAllConfig(
      {
        "outpost-fleet:outposts": {
          value: JSON.stringify([{ name: "op-a" }, { name: "op-b" }, { name: "op-slow" }]),
        },
        "outpost-fleet:fixtureSlowMarker": { value: marker },
      },
      false,
    );
    await engine.writeDriverConfig("t1", { deployment: { "op-slow": state("blue") } });
    const killed = spawn(
      environment.cliPath,
      ["up", "--yes", "--stack", "t1", "--non-interactive", "--skip-preview"],
      {
        cwd: programDir,
        env: { ...process.env, ...environment.env },
        detached: true,
        stdio: "ignore",
      },
    );
    for (let waited = 0; !fs.existsSync(marker); waited += 100) {
      if (waited > 90_000) throw new Error("the slow create never started");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exited = new Promise((resolve) => killed.once("exit", resolve));
    // The whole session: the CLI's plugins (the dynamic provider in the middle of its slow
    // create) run in groups of their own and would outlive it, idle, for good.
    await killSession(killed.pid!);
    await exited;

    const stopped = await engine.up("t1", { outposts: ["op-a"] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(stopped).to.be.instanceOf(PendingOperationsError);
    expect(String(stopped)).to.match(/creating urn:pulumi:t1::fleet-fixture::.*::op-slow-state/);
    expect(String(stopped)).to.contain("outpost-fleet repair --stack t1");
    expect(await engine.pendingOperations("t1")).to.have.length(1);
    // A plain refresh keeps a pending create; the operator's clear drops it.
    await engine.refresh("t1");
    expect(await engine.pendingOperations("t1")).to.have.length(1);
    await engine.refresh("t1", { clearPendingCreates: true });
    expect(await engine.pendingOperations("t1")).to.deep.equal([]);

    await stack.setAllConfig(
      {
        "outpost-fleet:outposts": { value: JSON.stringify([{ name: "op-a" }, { name: "op-b" }]) },
        "outpost-fleet:fixtureSlowMarker": { value: "" },
      },
      false,
    );
    await stack.removeConfig("outpost-fleet:deployment.op-slow", true);
    await engine.up("t1");
  });

  it("previews with a policy pack and reports mandatory violations", async () => {
    await engine.writeDriverConfig("t1", {
      deployment: { "op-b": state("blue", "2.0.0", "6.6.6") },
    });
    const outcome = await engine.preview("t1", { policyPacks: [policyDir], policyPackConfigs: [] });
    expect(outcome.violations).to.have.length(1);
    expect(outcome.violations[0]).to.include({
      policyPack: "fleet-fixture",
      policy: "no-cursed-versions",
      enforcement: "mandatory",
    });
    await engine.writeDriverConfig("t1", { deployment: { "op-b": state("blue") } });
    const clean = await engine.preview("t1", { policyPacks: [policyDir], policyPackConfigs: [] });
    expect(clean.violations).to.deep.equal([]);
    expect(clean.changes.same).to.be.greaterThan(0);
  });
});
