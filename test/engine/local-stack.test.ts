/**
 * The local target under the real Pulumi engine: `up` of a local stack with two Outposts,
 * a deploy of the idle color seen through the preview endpoint, a flip with HTTP load running,
 * per-color traffic figures of a faulty candidate, a targeted `up` of one Outpost leaving the
 * stack-wide config store alone (an untargeted one moving it), `refresh` noticing a killed
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
import { OutpostDeploymentState, SITE_COMPONENT_TYPES } from "../../infra/contract";
import { LocalOutpostOutputs, readColorTrafficStats, trafficDelta } from "../../infra/local";
import { serversOfTargetGroups } from "../../infra/local/haproxy/traffic-figures";
import { httpStatus } from "../../infra/local/process/probes";
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
  readonly parent?: string;
  readonly outputs?: { processes?: { pid: number }[]; pid?: number };
}

async function stateResources(stack: Stack): Promise<StateResource[]> {
  const state = await stack.exportStack();
  return (state.deployment as { resources?: StateResource[] }).resources ?? [];
}

/** What a targeted `up` of one Outpost selects: its site component, every descendant, the root. */
async function siteTargets(stack: Stack, outpost: string): Promise<string[]> {
  const resources = await stateResources(stack);
  const site = resources.find(
    (r) => r.type === SITE_COMPONENT_TYPES.local && r.urn.endsWith(`::${outpost}`),
  );
  if (site === undefined) throw new Error(`no site ${outpost} in the state`);
  const selected = new Set([site.urn]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of resources) {
      if (r.parent !== undefined && selected.has(r.parent) && !selected.has(r.urn)) {
        selected.add(r.urn);
        grew = true;
      }
    }
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
  return [root.urn, ...selected];
}

/** Status codes of `requests` GETs of `/` on an endpoint, four at a time. */
async function statusesOf(endpoint: string, requests: number): Promise<number[]> {
  const port = Number(new URL(endpoint).port);
  const answers: number[] = [];
  const worker = async () => {
    while (answers.length < requests) {
      const slot = answers.push(0) - 1;
      answers[slot] = await httpStatus(port, "/");
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return answers;
}

async function processesInState(stack: Stack): Promise<StateProcess[]> {
  const resources = (await stateResources(stack)).filter(
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
    [`${prefix}.rolloutVersion`]: { value: state.rolloutVersion },
  };
}

/**
 * `localFaults` as an object: `config set --path` would store 0.3 as the string "0.3", which
 * the schema refuses, so it goes through `config set-all --json` like the demo's.
 */
async function setLocalFaults(stack: Stack, faults: Record<string, unknown>): Promise<void> {
  const setting = { value: JSON.stringify(faults), objectValue: faults, secret: false };
  await stack.setAllConfigJson(JSON.stringify({ "outpost-fleet:localFaults": setting }));
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
  /** The local config store's copy of one document (the local SSM). */
  const storedDocument = (key: string) =>
    fs.readFileSync(
      path.join(work, "run", "config-store", "outpost-fleet", "production", "us", key),
      "utf8",
    );

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
    // The candidate (green) is cold: its preview has no server to send to.
    expect(await statusesOf(outposts["nyc-lab1"].previewEndpoint, 4)).to.deep.equal([
      503, 503, 503, 503,
    ]);
    expect(storedDocument("release/version")).to.equal("2.0.0");
    const store = (await stateResources(stack)).find((r) => r.urn.endsWith("::us-config"));
    expect(store?.type).to.equal("outpost-fleet:local:ConfigStore");
    expect(store?.parent).to.match(/pulumi:pulumi:Stack::/);
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
    // Before any production weight moves, the candidate answers on its own front door.
    const preview = outposts["nyc-lab1"].previewEndpoint;
    for (let i = 0; i < 6; i++) expect(await getVersion(preview)).to.equal("2.1.0");

    await stack.setAllConfig(
      deploymentValues("nyc-lab1", { ...idle, activeColor: "green", rolloutVersion: "2.1.0" }),
      true,
    );
    const flip = up();
    const [load] = await Promise.all([
      runLoad({
        port: Number(new URL(endpoint).port),
        durationMs: 60_000,
        concurrency: 4,
        until: flip,
      }),
      runLoad({
        port: Number(new URL(preview).port),
        durationMs: 60_000,
        concurrency: 1,
        until: flip,
      }),
    ]);
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
    expect(outposts["nyc-lab1"]).to.deep.include({
      activeColor: "green",
      endpoint,
      previewEndpoint: preview,
    });
    for (let i = 0; i < 4; i++) expect(await getVersion(endpoint)).to.equal("2.1.0");
    // The preview followed the flip: the candidate is now blue, warm on 2.0.0.
    for (let i = 0; i < 4; i++) expect(await getVersion(preview)).to.equal("2.0.0");
    expect(await getVersion(outposts["iad-lab1"].endpoint)).to.equal("2.0.0");
  });

  it("counts a faulty candidate's traffic in its own color; faults come from stack config only", async () => {
    // 2.2.0 fails 30% of requests (stack config localFaults); it goes on blue, the candidate,
    // at 50% of production.
    await setLocalFaults(stack, { "2.2.0": { errorRate: 0.3 } });
    const canary: OutpostDeploymentState = {
      blueVersion: "2.2.0",
      greenVersion: "2.1.0",
      activeColor: "green",
      candidateWeight: 50,
      idleWarm: true,
      rolloutVersion: "2.1.0",
    };
    await stack.setAllConfig(deploymentValues("nyc-lab1", canary), true);
    await up();
    const site = outposts["nyc-lab1"];
    expect(site.trafficStats).to.deep.equal({
      kind: "haproxy",
      socket: site.trafficStats.socket,
      backend: "storefront",
    });
    const servers = serversOfTargetGroups(site.targetGroups);
    const read = () =>
      readColorTrafficStats(site.trafficStats.socket, site.trafficStats.backend, servers);

    const before = await read();
    const answered = await statusesOf(site.endpoint, 400);
    await statusesOf(site.previewEndpoint, 50);
    const delta = trafficDelta(before, await read());
    console.log(`      (per color: ${JSON.stringify(delta.colors)})`);
    expect(delta.restarted).to.equal(false);
    expect(delta.colors.blue.requests + delta.colors.green.requests).to.equal(400);
    expect(delta.colors.green.responses5xx).to.equal(0);
    expect(delta.colors.blue.responses5xx).to.equal(answered.filter((s) => s === 500).length);
    // Each request fails with probability 0.3: within 4 standard deviations of it.
    const n = delta.colors.blue.requests;
    const rate = delta.colors.blue.responses5xx / n;
    expect(rate, "blue's own error rate").to.be.closeTo(0.3, 4 * Math.sqrt(0.21 / n));

    // No environment variable is involved: the same config previews to no change at all.
    const preview = await stack.preview({ onOutput: () => undefined });
    expect(changed(preview.changeSummary)).to.deep.equal({});

    // Back to a healthy, warm candidate at 0%.
    await stack.setAllConfig(
      deploymentValues("nyc-lab1", { ...canary, blueVersion: "2.0.0", candidateWeight: 0 }),
      true,
    );
    await up();
  });

  it("a targeted up of one Outpost leaves the config store alone; an untargeted up moves it", async () => {
    // iad-lab1 gets its own deployment state, so that nothing per-Outpost follows the release.
    await stack.setAllConfig(
      deploymentValues("iad-lab1", {
        blueVersion: "2.0.0",
        greenVersion: "2.0.0",
        activeColor: "blue",
        candidateWeight: 0,
        idleWarm: false,
        rolloutVersion: "2.0.0",
      }),
      true,
    );
    expect(changed((await up()).summary.resourceChanges), "pinning iad-lab1").to.deep.equal({});
    await stack.setAllConfig({ "outpost-fleet:release.version": { value: "2.1.0" } }, true);

    const targeted = await stack.up({
      onOutput: () => undefined,
      target: await siteTargets(stack, "nyc-lab1"),
    });
    expect(changed(targeted.summary.resourceChanges), "targeted up").to.deep.equal({});
    expect(storedDocument("release/version")).to.equal("2.0.0");

    const whole = await up();
    expect(changed(whole.summary.resourceChanges), "untargeted up").to.deep.equal({ update: 1 });
    expect(storedDocument("release/version")).to.equal("2.1.0");
    expect(whole.outputs.release.value).to.equal("2.1.0");
    expect(storedDocument("fingerprint")).to.equal(whole.outputs.fingerprint.value);
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
