/**
 * Production mode end to end, on the real engine and the real local target: two CI runners
 * that share nothing but an S3 server (versitygw on loopback). The stack's Pulumi state lives
 * in S3 (the CLI's DIY s3:// backend with an endpoint parameter), and so do the driver's
 * journal and fleet lock (their default place, beside the state). Each runner has its own work
 * directory (a checkout of the same commit), HOME, PULUMI_HOME, actor and CI run id.
 *
 *   bootstrap  brings the stack up on 2.0.0 (what an earlier release left);
 *   runner A   deploys 2.1.0 under HTTP load and is SIGKILLed in the middle of the wave;
 *   runner B   is refused (exit 5, naming A) while A's heartbeat is fresh, then resumes the
 *              release from the S3 journal once it is stale, and finishes it.
 *
 * Needs `npm run toolchain` (Pulumi CLI, language host, versitygw) and HAProxy.
 */
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import {
  backendEnvironment,
  PROJECT_ROOT,
  pulumiCommand,
} from "../../automation/engine/pulumi-environment";
import { openFleetStore } from "../../automation/store/fleet-store";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { parseStoreLocation } from "../../automation/store/store-location";
import { ExitCode } from "../../automation/support/exit-codes";
import { versionIn } from "../../bench/lib/http-load";
import { requireEngine } from "../support/engine-guard";
import { S3TestServer } from "../support/s3-server";
import { BIN } from "./support/cli-harness";

const STACK = "e2e-two-runners";
const OUTPOSTS = ["nyc-lab1", "iad-lab1"];
const PASSPHRASE = "two-runner-test-passphrase";

/** Paced HTTP probes of one endpoint (every 20 ms) until stopped: what users see. */
class Prober {
  readonly samples: { at: number; ok: boolean; version?: string; error?: string }[] = [];
  private running = true;
  readonly done: Promise<void>;

  constructor(readonly endpoint: string) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.done = (async () => {
      while (this.running) {
        this.samples.push({ at: Date.now(), ...(await this.once(agent)) });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      agent.destroy();
    })();
  }

  private once(agent: http.Agent): Promise<{ ok: boolean; version?: string; error?: string }> {
    return new Promise((resolve) => {
      const request = http.get(`${this.endpoint}/version`, { agent, timeout: 5_000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          resolve({
            ok: res.statusCode === 200,
            version: versionIn(body),
            error: res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`,
          }),
        );
      });
      request.on("timeout", () => request.destroy(new Error("timeout")));
      request.on("error", (err: NodeJS.ErrnoException) =>
        resolve({ ok: false, error: err.code ?? err.message }),
      );
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  failures() {
    return this.samples.filter((s) => !s.ok);
  }
}

interface Runner {
  readonly name: string;
  readonly dir: string;
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
}

describe("production mode: two CI runners sharing only an S3 server (real engine)", function () {
  this.timeout(900_000);
  let server: S3TestServer;
  let work: string;
  let runDir: string;
  let bootstrap: Stack;
  let backendUrl: string;

  /** The commit both runners check out: Pulumi.yaml and the stack file, with its salt. */
  let committedStackFile: string;

  const settings = stringify({
    waveOrder: ["us"],
    concurrency: 1,
    traffic: { aws: [100], local: [100] },
    bakeSeconds: 4,
    scaleDownDelaySeconds: 1,
    analysis: {
      intervalSeconds: 0.5,
      probeTimeoutSeconds: 3,
      requestsPerCheck: 3,
      consecutiveSuccesses: 2,
      failureLimit: 0,
      verifyTimeoutSeconds: 90,
    },
    policyPacks: [],
    // Long enough for B's CLI to start twice on a loaded 2-core machine before A turns stale.
    lock: { ttlSeconds: 40, heartbeatSeconds: 2 },
  });

  function commonEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      ...server.env(),
      PULUMI_BACKEND_URL: backendUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      // A CI image's own settings: no update checks; plugins are baked in, never downloaded.
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // The Outposts are shared by every runner; here they are processes of this machine.
      OUTPOST_FLEET_RUN_DIR: runDir,
      APP_BUILD_CACHE: path.join(work, "app-build"),
    };
  }

  function checkout(dir: string): string {
    const project = path.join(dir, "project");
    fs.mkdirSync(project, { recursive: true });
    const pulumiYaml = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      `${pulumiYaml}\nmain: ${path.relative(project, PROJECT_ROOT)}\n`,
    );
    if (committedStackFile !== undefined) {
      fs.writeFileSync(path.join(project, `Pulumi.${STACK}.yaml`), committedStackFile);
    }
    fs.writeFileSync(path.join(project, "driver.yaml"), settings);
    return project;
  }

  function runner(name: string): Runner {
    const dir = path.join(work, name);
    const project = checkout(dir);
    for (const sub of ["home", "pulumi-home"]) fs.mkdirSync(path.join(dir, sub));
    return {
      name,
      dir,
      project,
      env: {
        ...commonEnv(),
        HOME: path.join(dir, "home"),
        PULUMI_HOME: path.join(dir, "pulumi-home"),
        OUTPOST_FLEET_ACTOR: name,
        OUTPOST_FLEET_CI_RUN_ID: `run-${name}`,
      },
    };
  }

  const cli = (who: Runner, args: string[]) => [
    BIN,
    ...args,
    "--project-dir",
    who.project,
    "--settings",
    path.join(who.project, "driver.yaml"),
  ];

  /** Runs the CLI as a runner's job step. Never spawnSync: the probes must keep running. */
  const runStep = (who: Runner, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, cli(who, args), {
        cwd: who.project,
        env: { ...who.env, ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("error", reject);
      child.once("close", (status) => resolve({ status, stdout, stderr }));
    });

  /** The journal as a third party sees it, straight from S3. */
  const journal = () =>
    openFleetStore(
      parseStoreLocation(
        `s3://fleet-state/.outpost-fleet/outpost-fleet?endpoint=${server.endpoint}`,
        "test",
      ),
      { env: server.env() },
    ).journals.journal("2.1.0");

  before(async function () {
    requireEngine(this, { haproxy: true });
    server = await S3TestServer.start();
    await server.createBucket("fleet-state");
    backendUrl = server.backendUrl("fleet-state");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-two-runners-"));
    runDir = path.join(work, "outposts");

    // The stack file as committed: local-us's Outposts on 2.0.0, under this test's stack name.
    const dir = path.join(work, "bootstrap");
    const project = checkout(dir);
    fs.copyFileSync(
      path.join(PROJECT_ROOT, "Pulumi.local-us.yaml"),
      path.join(project, `Pulumi.${STACK}.yaml`),
    );
    const env = { ...commonEnv(), PULUMI_HOME: path.join(dir, "pulumi-home") } as Record<
      string,
      string
    >;
    const environment = backendEnvironment({ backendUrl, env });
    bootstrap = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: project },
      {
        workDir: project,
        pulumiCommand: await pulumiCommand(environment),
        envVars: { ...environment.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      },
    );
    await bootstrap.up({ onOutput: () => undefined });
    // `pulumi stack init` wrote the passphrase salt into the stack file: commit it.
    committedStackFile = fs.readFileSync(path.join(project, `Pulumi.${STACK}.yaml`), "utf8");
    expect(committedStackFile).to.match(/^encryptionsalt: /m);
  });

  after(async () => {
    if (bootstrap) {
      // The bootstrap checkout still has 2.0.0 in its file; the state knows what runs.
      await bootstrap.refresh({ onOutput: () => undefined }).catch(() => undefined);
      await bootstrap.destroy({ onOutput: () => undefined }).catch(() => undefined);
    }
    await server?.close();
    if (work && !process.env.KEEP_E2E) fs.rmSync(work, { recursive: true, force: true });
  });

  it("A is killed mid-wave; B is refused naming A, then resumes from the S3 journal and finishes", async () => {
    const outputs = (await bootstrap.outputs()).outposts.value as Record<
      string,
      { endpoint: string }
    >;
    const probers = OUTPOSTS.map((o) => new Prober(outputs[o].endpoint));
    const a = runner("runner-a");
    const b = runner("runner-b");

    // Runner A: deploy; SIGKILL as soon as the canary's bake has started (its flip is done).
    const startedAt = Date.now();
    const childA: ChildProcess = spawn(
      process.execPath,
      cli(a, ["deploy", "--release", "2.1.0", "--json"]),
      {
        cwd: a.project,
        env: a.env,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderrA = "";
    childA.stderr?.on("data", (chunk: Buffer) => (stderrA += chunk.toString()));
    const reader = journal();
    await new Promise<void>((resolve, reject) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        reader
          .read()
          .then(({ events }) => {
            if (
              events.some((e) => e.type === "step-started" && e.step === "bake" && e.batch === 0)
            ) {
              clearInterval(timer);
              childA.kill("SIGKILL");
              resolve();
            }
          })
          .catch(() => undefined)
          .finally(() => (busy = false));
      }, 100);
      childA.once("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`runner A ended (${code}) before it could be killed:\n${stderrA}`));
      });
    });
    await new Promise((resolve) => childA.once("exit", resolve));
    const killedAt = Date.now();
    const eventsOfA = (await journal().read()).events;

    // Runner B: its deploy meets A's lock while A's heartbeat is fresh.
    const refused = await runStep(b, ["deploy", "--release", "2.1.0"]);
    expect(refused.status, refused.stderr).to.equal(ExitCode.Locked);
    expect(refused.stderr).to.match(
      /the fleet is locked by another driver: runner-a@\S+ \(CI run run-runner-a, pid \d+, `outpost-fleet deploy --release 2\.1\.0 .*` for release 2\.1\.0, since .*, last heartbeat \d+s ago\) \(lock s3:\/\/fleet-state\/\.outpost-fleet\/outpost-fleet\/fleet\.lock\)/,
    );
    const status = await runStep(b, ["status"]);
    // Running while A's lock is fresh; "stopped" with a STALE driver if the TTL ran out meanwhile.
    expect(status.stdout).to.match(/release 2\.1\.0 \(attempt 1\): (running|stopped)/);
    expect(status.stdout).to.match(/driver: (STALE )?runner-a@\S+ \(CI run run-runner-a/);
    expect(status.stdout).to.match(
      /journal: s3:\/\/fleet-state\/\.outpost-fleet\/outpost-fleet \(beside the state of PULUMI_BACKEND_URL\)/,
    );

    // Once A's heartbeat is older than the TTL (40 s), B's resume takes over and finishes.
    const lockAge = async () => {
      const lock = await openFleetStore(
        parseStoreLocation(
          `s3://fleet-state/.outpost-fleet/outpost-fleet?endpoint=${server.endpoint}`,
          "t",
        ),
        { env: server.env(), staleAfterMs: 40_000, host: "observer" },
      ).lock.inspect();
      return lock.state;
    };
    while ((await lockAge()) === "held") await new Promise((resolve) => setTimeout(resolve, 500));
    const summary = path.join(b.dir, "summary.md");
    const resumeStarted = Date.now();
    const resumed = await runStep(b, ["resume"], {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    const resumeMs = Date.now() - resumeStarted;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // traffic after the finish
    await Promise.all(probers.map((p) => p.stop()));
    expect(resumed.status, resumed.stderr + resumed.stdout).to.equal(ExitCode.Success);
    expect(resumed.stderr).to.match(
      /took over a stale fleet lock \(no heartbeat for \d+s \(TTL 40s\)\): runner-a@/,
    );
    expect(resumed.stdout).to.contain("release 2.1.0: succeeded");

    // The journal in S3: every step recorded done once; no traffic step of A's run again.
    const events = (await journal().read()).events;
    expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
    const key = (e: JournalEvent) =>
      e.type === "step-started" || e.type === "step-completed"
        ? `${e.wave}#${e.batch} ${e.step}`
        : "";
    const done = events.filter((e) => e.type === "step-completed").map(key);
    expect(new Set(done).size, "a step completed twice").to.equal(done.length);
    const flipsStarted = events
      .filter((e) => e.type === "step-started" && e.step === "flip")
      .map(key);
    expect(flipsStarted, "each flip asked for once, across both runners").to.deep.equal([
      "us#0 flip",
      "us#1 flip",
    ]);
    const byB = events.slice(eventsOfA.length);
    expect(byB[0]).to.include({ type: "resumed" });
    expect(byB.some((e) => e.type === "step-started" && key(e) === "us#0 flip")).to.equal(false);
    expect(events.at(-1)).to.include({ type: "release-finished", outcome: "succeeded" });

    // Users saw no failed request, and each Outpost moved to 2.1.0 once, never back.
    for (const prober of probers) {
      const near = (at: number) =>
        events
          .filter((e) => Math.abs(Date.parse(e.at) - at) < 3_000)
          .map((e) => `${e.at} ${e.type} ${key(e)}`);
      const failures = prober.failures().map((f) => ({
        ...f,
        when: new Date(f.at).toISOString(),
        near: near(f.at),
      }));
      expect(failures, `${prober.endpoint}: ${JSON.stringify(failures)}`).to.deep.equal([]);
      const versions = prober.samples.map((s) => s.version);
      const firstNew = versions.indexOf("2.1.0");
      expect(firstNew, `${prober.endpoint} never served 2.1.0`).to.be.greaterThan(0);
      const lastOld = versions.lastIndexOf("2.0.0");
      expect(
        prober.samples[lastOld].at - prober.samples[firstNew].at,
        `${prober.endpoint}: 2.0.0 answered well after 2.1.0 did`,
      ).to.be.lessThan(1_000);
      expect(versions.slice(-10)).to.deep.equal(Array(10).fill("2.1.0"));
    }

    // Every Outpost on the release, as the state in S3 says.
    await bootstrap.refresh({ onOutput: () => undefined });
    const after = (await bootstrap.outputs()).outposts.value as Record<
      string,
      { activeColor: "blue" | "green"; versions: Record<string, string> }
    >;
    for (const outpost of OUTPOSTS) {
      expect(after[outpost].versions[after[outpost].activeColor], outpost).to.equal("2.1.0");
    }
    const config = (
      parse(fs.readFileSync(path.join(b.project, `Pulumi.${STACK}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
    expect(config["outpost-fleet:release"]).to.deep.equal({ version: "2.1.0" });

    // Nothing local: no journal, lock or Pulumi state in either runner's checkout or the repo's.
    for (const who of [a, b]) {
      expect(fs.existsSync(path.join(who.project, ".outpost-fleet")), who.name).to.equal(false);
      expect(fs.existsSync(path.join(who.project, ".pulumi-local")), who.name).to.equal(false);
    }
    expect(
      fs.existsSync(
        path.join(
          PROJECT_ROOT,
          ".pulumi-local",
          "state",
          ".pulumi",
          "stacks",
          "outpost-fleet",
          `${STACK}.json`,
        ),
      ),
    ).to.equal(false);
    expect(server.keys("fleet-state")).to.include(`.pulumi/stacks/outpost-fleet/${STACK}.json`);

    // The job summary B wrote for GitHub Actions.
    const markdown = fs.readFileSync(summary, "utf8");
    expect(markdown).to.contain("## outpost-fleet: release 2.1.0: succeeded");
    expect(markdown).to.contain(
      "| us | done | e2e-two-runners/nyc-lab1, e2e-two-runners/iad-lab1 |",
    );

    const requests = probers.reduce((n, p) => n + p.samples.length, 0);
    console.log(
      `      (A ran ${((killedAt - startedAt) / 1000).toFixed(1)} s and wrote ${eventsOfA.length} events; ` +
        `B's resume took ${(resumeMs / 1000).toFixed(1)} s for ${byB.length} events, ` +
        `${done.length - eventsOfA.filter((e) => e.type === "step-completed").length} steps; ` +
        `kill to finish ${((Date.now() - killedAt) / 1000).toFixed(1)} s incl. the 40 s TTL; ` +
        `${requests} requests, 0 failed)`,
    );
  });
});
