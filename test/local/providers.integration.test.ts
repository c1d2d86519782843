import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { lastAnswerNotFrom, runLoad } from "../../bench/lib/http-load";
import { workerPid } from "../../infra/local/haproxy/haproxy-process";
import { groupMembers, isRunning, stopProcessGroup } from "../../infra/local/process/processes";
import { appPoolProvider } from "../../infra/local/providers/app-pool-provider";
import { balancerProvider } from "../../infra/local/providers/balancer-provider";
import { BalancerInputs, BalancerOutputs } from "../../infra/local/providers/balancer-types";
import { AppPoolInputs, AppPoolOutputs } from "../../infra/local/providers/pool-types";
import { findExecutable } from "../../infra/local/runtime";
import { balancerInputs, poolInputs } from "./fixtures";
import { SKIP_ENGINE_TESTS } from "../support/engine-guard";

const APP_ENTRY = path.resolve(__dirname, "..", "..", "app", "launch.js");

interface Created<O> {
  id: string;
  outs: O;
}

function getVersion(port: number): Promise<{ version: string; pid: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/version", agent: false }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve(JSON.parse(body) as { version: string; pid: number }));
      })
      .on("error", reject);
  });
}

async function versionsServed(port: number, requests: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < requests; i++) answers.push((await getVersion(port)).version);
  return answers;
}

/**
 * Drives the two dynamic providers in-process, without the Pulumi engine, against real app
 * processes and a real HAProxy: the same calls, in the same order, as `pulumi up` makes.
 */
describe("local providers with real processes (integration)", function () {
  this.timeout(30_000);
  const haproxyBin = findExecutable("haproxy", process.env.PATH);
  let runDir: string;
  const everyProcess: { pid: number; marker: string }[] = [];
  let blue: Created<AppPoolOutputs>;
  let green: Created<AppPoolOutputs>;
  let balancer: Created<BalancerOutputs>;

  const pool = (overrides: Partial<AppPoolInputs>): AppPoolInputs =>
    poolInputs({ runDir, appEntry: APP_ENTRY, ...overrides });
  const lbInputs = (overrides: Partial<BalancerInputs>): BalancerInputs =>
    balancerInputs({
      runDir,
      haproxyBin: haproxyBin!,
      ports: { blue: blue.outs.ports, green: green.outs.ports },
      ...overrides,
    });
  const track = <O extends AppPoolOutputs>(created: Created<O>) => {
    for (const p of created.outs.processes) everyProcess.push({ pid: p.pid, marker: created.id });
    return created;
  };
  const createPool = async (inputs: AppPoolInputs) =>
    track((await appPoolProvider.create(inputs)) as Created<AppPoolOutputs>);
  const updateBalancer = async (news: BalancerInputs) => {
    const diff = await balancerProvider.diff!(balancer.id, balancer.outs, news);
    expect(diff, "balancer diff").to.deep.include({ changes: true, replaces: [] });
    balancer = {
      id: balancer.id,
      outs: (await balancerProvider.update!(balancer.id, balancer.outs, news)).outs!,
    };
  };

  before(function () {
    if (SKIP_ENGINE_TESTS) this.skip();
    if (haproxyBin === undefined)
      throw new Error("HAProxy is not installed: run npm run toolchain");
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-it-"));
  });

  after(async () => {
    // Safety net when a test failed halfway: nothing may outlive the suite.
    await Promise.all(everyProcess.map(({ pid, marker }) => stopProcessGroup(pid, marker, 1_000)));
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("creates a blue and a green pool behind HAProxy and serves the active color", async () => {
    blue = await createPool(pool({ color: "blue", version: "2.0.0" }));
    green = await createPool(pool({ color: "green", version: "2.1.0" }));
    const created = await balancerProvider.create(lbInputs({}));
    balancer = { id: created.id, outs: created.outs! };
    everyProcess.push({ pid: balancer.outs.pid, marker: balancer.id });

    expect(balancer.outs.endpoint).to.equal(`http://127.0.0.1:${balancer.outs.frontendPort}`);
    expect(balancer.outs.health).to.deep.equal({
      blue: { up: 2, total: 2 },
      green: { up: 2, total: 2 },
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => getVersion(balancer.outs.frontendPort)),
    );
    expect(new Set(answers.map((a) => a.version))).to.deep.equal(new Set(["2.0.0"]));
    expect(new Set(answers.map((a) => a.pid))).to.deep.equal(
      new Set(blue.outs.processes.map((p) => p.pid)),
    );
  });

  it("flips to green through the runtime API under load: no failed request, no reload", async () => {
    const workerBefore = await workerPid(balancer.outs.socketPath);
    const load = runLoad({ port: balancer.outs.frontendPort, durationMs: 2_000, concurrency: 8 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const flipStarted = Date.now();
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.1.0",
        weights: { blue: 0, green: 100 },
      }),
    );
    const flipMs = Date.now() - flipStarted;
    const result = await load;

    expect(
      result.failed,
      JSON.stringify({ errors: result.errors, statuses: result.statuses }),
    ).to.equal(0);
    expect(result.total).to.be.above(100);
    const lastOld = lastAnswerNotFrom(result, "2.1.0")!;
    expect(lastOld, "old version answered after the flip returned").to.be.at.most(
      flipStarted + flipMs - result.startedAt + 50,
    );
    expect(await versionsServed(balancer.outs.frontendPort, 6)).to.deep.equal(
      Array(6).fill("2.1.0"),
    );
    expect(await workerPid(balancer.outs.socketPath), "HAProxy worker pid").to.equal(workerBefore);
    expect(flipMs).to.be.below(3_000);
  });

  it("carries out canary steps as candidate weights", async () => {
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.1.0",
        candidateWeight: 50,
        weights: { blue: 50, green: 50 },
      }),
    );
    const answers = await versionsServed(balancer.outs.frontendPort, 40);
    const blueShare = answers.filter((v) => v === "2.0.0").length / answers.length;
    expect(blueShare).to.be.within(0.3, 0.7);
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.1.0",
        weights: { blue: 0, green: 100 },
      }),
    );
  });

  it("rolls the active pool to a new version with no failed request: new processes first, old ones last", async () => {
    const oldGreen = green;
    const news = pool({ color: "green", version: "2.2.0" });
    expect(await appPoolProvider.diff!(oldGreen.id, oldGreen.outs, news)).to.deep.include({
      replaces: ["version"],
    });
    const load = runLoad({ port: balancer.outs.frontendPort, durationMs: 2_500, concurrency: 8 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Pulumi's order for a replacement with a dependent: create, update the dependent, delete.
    green = await createPool(news);
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.2.0",
        versions: { blue: "2.0.0", green: "2.2.0" },
        weights: { blue: 0, green: 100 },
      }),
    );
    await appPoolProvider.delete!(oldGreen.id, oldGreen.outs);
    const result = await load;

    expect(
      result.failed,
      JSON.stringify({ errors: result.errors, statuses: result.statuses }),
    ).to.equal(0);
    expect(await versionsServed(balancer.outs.frontendPort, 4)).to.deep.equal(
      Array(4).fill("2.2.0"),
    );
    for (const p of oldGreen.outs.processes)
      expect(isRunning(p.pid, oldGreen.id), `old pid ${p.pid}`).to.equal(false);
  });

  it("refresh notices a dead app process; update restarts it and the balancer follows", async () => {
    const victim = green.outs.processes[0];
    process.kill(victim.pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stale = await appPoolProvider.diff!(
      green.id,
      green.outs,
      pool({ color: "green", version: "2.2.0" }),
    );
    expect(stale, "diff without a refresh").to.deep.include({ changes: true, replaces: [] });
    const read = await appPoolProvider.read!(green.id, green.outs);
    expect(read.props!.processes.map((p) => p.slot)).to.deep.equal([2]);
    const inputs = pool({ color: "green", version: "2.2.0" });
    expect(await appPoolProvider.diff!(green.id, read.props!, inputs)).to.deep.include({
      changes: true,
      replaces: [],
    });
    green = track({
      id: green.id,
      outs: (await appPoolProvider.update!(green.id, read.props!, inputs)).outs!,
    });
    expect(green.outs.processes.map((p) => p.slot)).to.deep.equal([1, 2]);
    expect(green.outs.processes[0].pid).not.to.equal(victim.pid);
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.2.0",
        weights: { blue: 0, green: 100 },
      }),
    );
    expect(balancer.outs.health.green).to.deep.equal({ up: 2, total: 2 });
  });

  it("refresh notices a dead HAProxy; update brings it back on the same endpoint", async () => {
    const { pid, frontendPort } = balancer.outs;
    process.kill(-pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = lbInputs({
      color: "green",
      activeColor: "green",
      version: "2.2.0",
      weights: { blue: 0, green: 100 },
    });
    expect(
      await balancerProvider.diff!(balancer.id, balancer.outs, current),
      "diff without a refresh",
    ).to.deep.include({ changes: true });
    const read = await balancerProvider.read!(balancer.id, balancer.outs);
    expect(read.props).to.deep.include({ running: false });
    balancer = { id: balancer.id, outs: read.props! };
    await updateBalancer(
      lbInputs({
        color: "green",
        activeColor: "green",
        version: "2.2.0",
        weights: { blue: 0, green: 100 },
      }),
    );
    everyProcess.push({ pid: balancer.outs.pid, marker: balancer.id });
    expect(balancer.outs.frontendPort).to.equal(frontendPort);
    expect((await getVersion(frontendPort)).version).to.equal("2.2.0");
  });

  it("delete leaves no process and no file behind", async () => {
    await balancerProvider.delete!(balancer.id, balancer.outs);
    await appPoolProvider.delete!(blue.id, blue.outs);
    await appPoolProvider.delete!(green.id, green.outs);
    for (const { pid, marker } of everyProcess) {
      expect(isRunning(pid, marker), `pid ${pid}`).to.equal(false);
      expect(groupMembers(pid), `group ${pid}`).to.deep.equal([]);
    }
    expect(fs.readdirSync(runDir)).to.deep.equal([]);
    // Deleting again (a retried destroy) is fine.
    await appPoolProvider.delete!(blue.id, blue.outs);
    await balancerProvider.delete!(balancer.id, balancer.outs);
  });
});
