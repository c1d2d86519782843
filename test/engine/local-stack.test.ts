/**
 * The local target under the real Pulumi engine: `up` of a local stack with two Outposts,
 * a deploy of the idle color and a flip with HTTP load running, `refresh` noticing a killed
 * process, and `destroy` leaving nothing behind. Needs `npm run toolchain` (the CLI and our
 * language host) and HAProxy; skipped without them or with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 *
 * The stack lives in a temp folder whose Pulumi.yaml points `main` at this repository, so the
 * repository's own Pulumi.<stack>.yaml files are never written to.
 */
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { lastAnswerNotFrom, runLoad } from "../../bench/lib/http-load";
import {
  PROJECT_ROOT,
  pulumiCommand,
  pulumiEnvironment,
} from "../../automation/engine/pulumi-environment";
import { OutpostDeploymentState } from "../../infra/contract";
import { LocalOutpostOutputs } from "../../infra/local";
import { isRunning, groupMembers, stopProcessGroup } from "../../infra/local/process/processes";
import { requireEngine } from "../support/engine-guard";

const STACK = "local-engine-it";

/** A process the stack state says is running, with the resource id that marks it. */
interface StateProcess {
  readonly resource: string;
  readonly pid: number;
  readonly marker: string;
}

interface StateResource {
  readonly type: string;
  readonly id?: string;
  readonly urn: string;
  readonly outputs?: { processes?: { pid: number }[]; pid?: number };
}

async function processesInState(stack: Stack): Promise<StateProcess[]> {
  const state = await stack.exportStack();
  const resources = ((state.deployment as { resources?: StateResource[] }).resources ?? []).filter(
    (r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.id !== undefined,
  );
  return resources.flatMap((r) => {
    const name = r.urn.split("::").pop()!;
    const pids = [
      ...(r.outputs?.processes ?? []).map((p) => p.pid),
      ...(r.outputs?.pid ? [r.outputs.pid] : []),
    ];
    return pids.map((pid) => ({ resource: name, pid, marker: r.id! }));
  });
}

function getVersion(endpoint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${endpoint}/version`, { agent: false }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve((JSON.parse(body) as { version: string }).version));
      })
      .on("error", reject);
  });
}

function deploymentValues(
  outpost: string,
  state: OutpostDeploymentState,
): Record<string, { value: string }> {
  const prefix = `outpost-fleet:deployment["${outpost}"]`;
  return {
    [`${prefix}.blueVersion`]: { value: state.blueVersion },
    [`${prefix}.greenVersion`]: { value: state.greenVersion },
    [`${prefix}.activeColor`]: { value: state.activeColor },
    [`${prefix}.candidateWeight`]: { value: String(state.candidateWeight) },
    [`${prefix}.idleWarm`]: { value: String(state.idleWarm) },
  };
}

/**
 * Pulumi.local-us.yaml with release 2.0.0 and no deployment state (both colors on 2.0.0, blue
 * active): the driver and the demo move the file's release, and this test starts from a known one.
 */
function initialStackFile(): string {
  const file = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local-us.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  file.config["outpost-fleet:release"] = { version: "2.0.0" };
  delete file.config["outpost-fleet:deployment"];
  return stringify(file);
}

function changed(ops: OpMap | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(ops ?? {}).filter(([op]) => op !== "same"));
}

describe("engine: local stack with real processes", function () {
  this.timeout(240_000);
  let work: string;
  let stack: Stack;
  let outposts: Record<string, LocalOutpostOutputs>;
  const seen: StateProcess[] = [];

  const up = async () => {
    const result = await stack.up({ onOutput: () => undefined });
    outposts = result.outputs.outposts.value as Record<string, LocalOutpostOutputs>;
    seen.push(...(await processesInState(stack)));
    return result;
  };

  before(async function () {
    requireEngine(this, { haproxy: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-local-engine-"));
    const project = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(
      path.join(work, "Pulumi.yaml"),
      `${project}\nmain: ${path.relative(work, PROJECT_ROOT)}\n`,
    );
    fs.writeFileSync(path.join(work, `Pulumi.${STACK}.yaml`), initialStackFile());
    const environment = pulumiEnvironment({ stateDir: path.join(work, "state") });
    const envVars = {
      ...environment.env,
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      OUTPOST_FLEET_RUN_DIR: path.join(work, "run"),
    };
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: work },
      { workDir: work, pulumiCommand: await pulumiCommand(environment), envVars },
    );
  });

  after(async () => {
    if (stack === undefined) return;
    await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
    await Promise.all(seen.map((p) => stopProcessGroup(p.pid, p.marker, 1_000)));
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("up: two Outposts, each serving the release through its own HAProxy", async () => {
    const started = Date.now();
    await up();
    console.log(`      (up of 2 Outposts: ${Date.now() - started} ms)`);
    expect(Object.keys(outposts).sort()).to.deep.equal(["iad-lab1", "nyc-lab1"]);
    for (const site of Object.values(outposts)) {
      expect(await getVersion(site.endpoint)).to.equal("2.0.0");
      expect(site.health.blue).to.deep.equal({ up: 2, total: 2 });
    }
    const running = await processesInState(stack);
    expect(running).to.have.length(2 * (2 + 1)); // per Outpost: 2 blue processes + HAProxy
    for (const p of running) expect(isRunning(p.pid, p.marker), p.resource).to.equal(true);
  });

  it("deploys 2.1.0 to the idle color, then flips under load: updates only, zero failures", async () => {
    const endpoint = outposts["nyc-lab1"].endpoint;
    const idle: OutpostDeploymentState = {
      blueVersion: "2.0.0",
      greenVersion: "2.1.0",
      activeColor: "blue",
      candidateWeight: 0,
      idleWarm: true,
      rolloutVersion: "2.0.0",
    };
    await stack.setAllConfig(deploymentValues("nyc-lab1", idle), true);
    await up();
    expect(await getVersion(endpoint)).to.equal("2.0.0");

    await stack.setAllConfig(deploymentValues("nyc-lab1", { ...idle, activeColor: "green" }), true);
    const flip = up();
    const load = await runLoad({
      port: Number(new URL(endpoint).port),
      durationMs: 60_000,
      concurrency: 4,
      until: flip,
    });
    const result = await flip;
    console.log(
      `      (flip up: ${load.durationMs} ms, ${load.total} requests, ${load.failed} failed)`,
    );

    expect(changed(result.summary.resourceChanges), "flip changes").to.deep.equal({ update: 1 });
    expect(load.failed, JSON.stringify({ errors: load.errors, statuses: load.statuses })).to.equal(
      0,
    );
    expect(lastAnswerNotFrom(load, "2.0.0"), "2.1.0 answered during the flip").to.not.equal(
      undefined,
    );
    expect(outposts["nyc-lab1"]).to.deep.include({ activeColor: "green", endpoint });
    for (let i = 0; i < 4; i++) expect(await getVersion(endpoint)).to.equal("2.1.0");
    expect(await getVersion(outposts["iad-lab1"].endpoint)).to.equal("2.0.0");
  });

  it("refresh notices a killed process, and the next up restarts it", async () => {
    const [victim] = (await processesInState(stack)).filter(
      (p) => p.resource === "nyc-lab1-green-processes",
    );
    process.kill(victim.pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refreshed = await stack.refresh({ onOutput: () => undefined });
    expect(changed(refreshed.summary.resourceChanges)).to.deep.equal({ update: 1 });
    const after = (await processesInState(stack)).filter(
      (p) => p.resource === "nyc-lab1-green-processes",
    );
    expect(after.map((p) => p.pid)).to.not.include(victim.pid);
    expect(after).to.have.length(1);

    await up();
    const healed = (await processesInState(stack)).filter(
      (p) => p.resource === "nyc-lab1-green-processes",
    );
    expect(healed).to.have.length(2);
    for (const p of healed) expect(isRunning(p.pid, p.marker)).to.equal(true);
    expect(outposts["nyc-lab1"].health.green).to.deep.equal({ up: 2, total: 2 });
  });

  it("destroy leaves no process behind", async () => {
    const before = await processesInState(stack);
    await stack.destroy({ onOutput: () => undefined });
    for (const p of [...before, ...seen]) {
      expect(isRunning(p.pid, p.marker), `${p.resource} pid ${p.pid}`).to.equal(false);
      expect(groupMembers(p.pid), `${p.resource} group ${p.pid}`).to.deep.equal([]);
    }
    expect(fs.readdirSync(path.join(work, "run"))).to.deep.equal([]);
  });
});
