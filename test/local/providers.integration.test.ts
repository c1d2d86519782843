import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { lastAnswerNotFrom, runLoad } from "../../bench/lib/http-load";
import { serversOfTargetGroups, trafficDelta } from "../../infra/local/haproxy/traffic-figures";
import { workerPid } from "../../infra/local/haproxy/haproxy-process";
import { readColorTrafficStats } from "../../infra/local/haproxy/traffic-stats-reader";
import { httpStatus } from "../../infra/local/process/probes";
import { groupMembers, isRunning, stopProcessGroup } from "../../infra/local/process/processes";
import { appPoolProvider } from "../../infra/local/providers/app-pool-provider";
import { balancerProvider } from "../../infra/local/providers/balancer-provider";
import { BalancerInputs, BalancerOutputs } from "../../infra/local/providers/balancer-types";
import { AppPoolInputs, AppPoolOutputs } from "../../infra/local/providers/pool-types";
import { findExecutable } from "../../infra/local/local-runtime";
import { balancerInputs, poolInputs } from "./support/local-fixtures";
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

/** Status codes of `requests` GETs of `/`, `concurrency` at a time. */
async function statuses(port: number, requests: number, concurrency = 8): Promise<number[]> {
  const answers: number[] = [];
  const worker = async () => {
    while (answers.length < requests) {
      answers.push(0);
      answers[answers.length - 1] = await httpStatus(port, "/");
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

async function expectReject(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, "expected a rejection").to.be.instanceOf(Error);
  expect((outcome as Error).message).to.match(message);
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

  it("serves only the candidate on the preview endpoint, with production weights at 100/0", async () => {
    expect(balancer.outs.previewEndpoint).to.equal(`http://127.0.0.1:${balancer.outs.previewPort}`);
    expect(balancer.outs.previewPort).to.not.equal(balancer.outs.frontendPort);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => getVersion(balancer.outs.previewPort)),
    );
    expect(new Set(answers.map((a) => a.version))).to.deep.equal(new Set(["2.1.0"]));
    expect(new Set(answers.map((a) => a.pid))).to.deep.equal(
      new Set(green.outs.processes.map((p) => p.pid)),
    );
    expect(await versionsServed(balancer.outs.frontendPort, 4)).to.deep.equal(
      Array(4).fill("2.0.0"),
    );
  });

  it("flips to green through the runtime API under load: no failed request, no reload", async () => {
    const workerBefore = await workerPid(balancer.outs.socketPath);
    const load = runLoad({ port: balancer.outs.frontendPort, durationMs: 2_000, concurrency: 8 });
    // The candidate's own traffic goes on beside production, as verify's probes would.
    const preview = runLoad({ port: balancer.outs.previewPort, durationMs: 2_000, concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const flipStarted = Date.now();
    await updateBalancer(
      lbInputs({
        activeColor: "green",
        weights: { blue: 0, green: 100 },
      }),
    );
    const flipMs = Date.now() - flipStarted;
    const [result, previewed] = await Promise.all([load, preview]);

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
    // The preview followed: before the flip it served the candidate 2.1.0 only, after it 2.0.0.
    const flipAt = flipStarted - previewed.startedAt;
    // Requests already sent to the old candidate may finish just after the update returns.
    const doneAt = flipStarted + flipMs - previewed.startedAt + 50;
    const previewBefore = previewed.samples.filter((x) => x.at < flipAt);
    const previewAfter = previewed.samples.filter((x) => x.at > doneAt);
    expect(previewBefore.length).to.be.above(5);
    expect(new Set(previewBefore.map((x) => x.version))).to.deep.equal(new Set(["2.1.0"]));
    expect(new Set(previewAfter.map((x) => x.version))).to.deep.equal(new Set(["2.0.0"]));
    expect(await versionsServed(balancer.outs.previewPort, 6)).to.deep.equal(
      Array(6).fill("2.0.0"),
    );
    expect(await workerPid(balancer.outs.socketPath), "HAProxy worker pid").to.equal(workerBefore);
    expect(flipMs).to.be.below(3_000);
  });

  it("carries out canary steps as candidate weights", async () => {
    await updateBalancer(
      lbInputs({
        activeColor: "green",
        candidateWeight: 50,
        weights: { blue: 50, green: 50 },
      }),
    );
    const answers = await versionsServed(balancer.outs.frontendPort, 40);
    const blueShare = answers.filter((v) => v === "2.0.0").length / answers.length;
    expect(blueShare).to.be.within(0.3, 0.7);
    // Half of production goes to the candidate; the preview still reaches nothing else.
    expect(await versionsServed(balancer.outs.previewPort, 10)).to.deep.equal(
      Array(10).fill("2.0.0"),
    );
    await updateBalancer(
      lbInputs({
        activeColor: "green",
        weights: { blue: 0, green: 100 },
      }),
    );
  });

  it("counts each color's own traffic: a 30% error rate on the candidate shows in its counters only", async () => {
    // A faulty candidate: blue replaced (new processes first) by 2.0.1, failing 30% of requests.
    const oldBlue = blue;
    blue = await createPool(
      pool({ color: "blue", version: "2.0.1", faults: { errorRate: 0.3, latencyMs: 0 } }),
    );
    const canary = {
      activeColor: "green" as const,
      candidateWeight: 50,
      weights: { blue: 50, green: 50 },
    };
    await updateBalancer(lbInputs({ ...canary, versions: { blue: "2.0.1", green: "2.1.0" } }));
    await appPoolProvider.delete!(oldBlue.id, oldBlue.outs);

    const servers = serversOfTargetGroups({
      blue: balancer.outs.servers.blue.join(","),
      green: balancer.outs.servers.green.join(","),
    });
    const { socketPath, backend, previewBackend } = balancer.outs;
    const before = await readColorTrafficStats(socketPath, backend, servers);
    // The preview backend has the same server names; qualified names name their own backend.
    const previewServers = { blue: ["blue-1", "blue-2"], green: ["green-1", "green-2"] };
    const previewBefore = await readColorTrafficStats(socketPath, previewBackend, previewServers);
    const answered = await statuses(balancer.outs.frontendPort, 600);
    const previewAnswered = await statuses(balancer.outs.previewPort, 200);
    const after = await readColorTrafficStats(socketPath, backend, servers);
    const previewAfter = await readColorTrafficStats(socketPath, previewBackend, previewServers);

    const production = trafficDelta(before, after);
    const failedOutside = answered.filter((code) => code === 500).length;
    expect(production.restarted).to.equal(false);
    expect(production.colors.blue.requests + production.colors.green.requests).to.equal(600);
    expect(production.colors.blue.requests).to.be.within(200, 400);
    // Every 500 the clients saw came from blue, and blue's rate is its own 30%, not a blend.
    expect(production.colors.blue.responses5xx).to.equal(failedOutside);
    expect(production.colors.green.responses5xx).to.equal(0);
    // Each request fails with probability 0.3: within 4 standard deviations of it.
    const n = production.colors.blue.requests;
    const blueRate = production.colors.blue.responses5xx / n;
    expect(blueRate).to.be.closeTo(0.3, 4 * Math.sqrt(0.21 / n));
    expect(after.colors.blue.meanResponseMs).to.be.at.least(0);
    expect(after.backendTotal.requests - before.backendTotal.requests).to.equal(600);

    // Preview traffic is counted on the preview backend, never in production's figures.
    const preview = trafficDelta(previewBefore, previewAfter);
    expect(preview.colors.blue.requests).to.equal(200);
    expect(preview.colors.green.requests).to.equal(0);
    expect(preview.colors.blue.responses5xx).to.equal(
      previewAnswered.filter((code) => code === 500).length,
    );
    await expectReject(
      readColorTrafficStats(socketPath, "nothing-here", servers),
      /has no backend nothing-here$/,
    );

    await updateBalancer(
      lbInputs({
        activeColor: "green",
        versions: { blue: "2.0.1", green: "2.1.0" },
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
        activeColor: "green",
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
        activeColor: "green",
        weights: { blue: 0, green: 100 },
      }),
    );
    expect(balancer.outs.health.green).to.deep.equal({ up: 2, total: 2 });
  });

  it("refresh notices a dead HAProxy; update brings it back on the same endpoint", async () => {
    const { pid, frontendPort, previewPort } = balancer.outs;
    process.kill(-pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = lbInputs({
      activeColor: "green",
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
        activeColor: "green",
        weights: { blue: 0, green: 100 },
      }),
    );
    everyProcess.push({ pid: balancer.outs.pid, marker: balancer.id });
    expect(balancer.outs.frontendPort).to.equal(frontendPort);
    expect(balancer.outs.previewPort).to.equal(previewPort);
    expect((await getVersion(frontendPort)).version).to.equal("2.2.0");
    expect((await getVersion(previewPort)).version).to.equal("2.0.1");
  });

  it("answers 503 on the preview while the candidate runs no process; production goes on", async () => {
    const oldBlue = blue;
    blue = await createPool(pool({ color: "blue", version: "2.0.1", count: 0 }));
    const inputs = lbInputs({
      activeColor: "green",
      versions: { blue: "2.0.1", green: "2.2.0" },
      weights: { blue: 0, green: 100 },
    });
    await updateBalancer(inputs);
    await appPoolProvider.delete!(oldBlue.id, oldBlue.outs);
    const { socketPath, previewBackend } = balancer.outs;
    const slots = { blue: ["blue-1", "blue-2"], green: ["green-1", "green-2"] };
    const before = await readColorTrafficStats(socketPath, previewBackend, slots);
    expect(await statuses(balancer.outs.previewPort, 10, 2)).to.deep.equal(Array(10).fill(503));
    // HAProxy's own 503s reach no server: only the backend's row counts them.
    const after = await readColorTrafficStats(socketPath, previewBackend, slots);
    expect(after.backendTotal.responses5xx - before.backendTotal.responses5xx).to.equal(10);
    expect(after.colors.blue.requests).to.equal(before.colors.blue.requests);
    expect(await versionsServed(portOf(balancer.outs.endpoint), 4)).to.deep.equal(
      Array(4).fill("2.2.0"),
    );
    expect(balancer.outs.health.blue).to.deep.equal({ up: 0, total: 0 });
    expect(balancer.outs.previewApplied.filter((s) => s.weight > 0)).to.deep.equal([]);
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
