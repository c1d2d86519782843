/**
 * The journal store going away under a running driver: versitygw is stopped while the driver
 * is in the middle of a step, so a heartbeat of the fleet lock fails. The driver must stop at
 * the next step boundary with a clear message and lose no event, and `resume` must finish the
 * release without redoing a completed step. The executor runs on the in-memory engine; the
 * journal, the lock and the session (driveUnderLock) are the driver's own.
 */
import { expect } from "chai";
import { driveUnderLock } from "../../automation/cli/driver-session";
import type { EnginePort } from "../../automation/engine/engine-port";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import type { RunOutcome } from "../../automation/executor/run-outcome";
import { type FleetStore, openFleetStore } from "../../automation/store/fleet-store";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { parseStoreLocation } from "../../automation/store/store-location";
import { DEFAULT_SETTINGS } from "../../automation/settings/driver-settings";
import { createLogger } from "../../automation/support/logger";
import { S3TestServer } from "../support/s3-server";
import { makeHarness } from "./support/executor-harness";
import { exampleFleet } from "./support/fleet-fixture";

/** An engine whose `up` of one batch waits until the test lets it go. */
function holdingEngine(inner: EnginePort, outpost: string) {
  let entered!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (entered = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const engine: EnginePort = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name !== "up" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (stack: string, options: { outposts?: readonly string[] } = {}) => {
        if (!held && options.outposts?.includes(outpost)) {
          held = true;
          entered();
          await gate;
        }
        return (value as EnginePort["up"]).call(target, stack, options);
      };
    },
  });
  return { engine, reached, release };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("journal store faults (versitygw stopped under a running driver)", function () {
  this.timeout(60_000);
  let server: S3TestServer;
  let bucket: string;
  let run = 0;

  before(async () => {
    server = await S3TestServer.start();
    bucket = await server.createBucket("fleet-faults");
  });
  after(async () => server?.close());

  function setup() {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    const location = parseStoreLocation(server.journalUrl(bucket, `run-${++run}`), "test");
    const store = (): FleetStore =>
      openFleetStore(location, { env: server.env(), staleAfterMs: 1_500 });
    const lines: string[] = [];
    const log = createLogger({
      json: true,
      destination: { write: (line: string) => lines.push(line) },
    });
    const settings = { ...DEFAULT_SETTINGS, lock: { ttlSeconds: 60, heartbeatSeconds: 0.1 } };
    const drive = (
      engine: EnginePort,
      go: (executor: RolloutExecutor) => Promise<RunOutcome>,
    ): Promise<RunOutcome> =>
      driveUnderLock(
        {
          store: store(),
          actor: { user: "tester", host: "test-host", pid: process.pid },
          command: "deploy --release 2.1.0",
          release: "2.1.0",
          settings,
          log,
        },
        async (journal) => new RolloutExecutor({ ...h.deps(journal), engine }),
        go,
      );
    const events = async (): Promise<JournalEvent[]> =>
      (await store().journals.journal("2.1.0").read()).events;
    const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    return { h, drive, events, messages };
  }

  const keyOf = (e: JournalEvent) =>
    e.type === "step-started" || e.type === "step-completed"
      ? `${e.type} ${e.wave}#${e.batch} ${e.step}`
      : e.type;

  it("a heartbeat fails while S3 is down: the driver pauses at the next step boundary, then resume finishes", async () => {
    const { h, drive, events, messages } = setup();
    const held = holdingEngine(h.engine, "us-op2");
    const running = drive(held.engine, (executor) => executor.start(h.plan, "deploy"));
    await held.reached; // us-op2's deploy-idle is under way
    await server.stop();
    await until(
      () => messages().some((m) => /heartbeat of the fleet lock .* failed/.test(m)),
      "a failed heartbeat",
    );
    await server.resume();
    held.release();
    const outcome = await running;

    expect(outcome.kind).to.equal("paused");
    expect(messages().join("\n")).to.match(
      /the fleet lock's heartbeat failed at .*; pausing at this step boundary: run resume to continue/,
    );
    const paused = await events();
    expect(paused.map((e) => e.seq)).to.deep.equal(paused.map((_, i) => i + 1));
    expect(paused.slice(-3).map(keyOf)).to.deep.equal([
      "step-completed us#1 deploy-idle",
      "pause-requested",
      "paused",
    ]);

    const resumed = await drive(h.engine, (executor) => executor.resume());
    expect(resumed).to.deep.equal({ kind: "succeeded" });
    const all = await events();
    expect(all.map((e) => e.seq)).to.deep.equal(all.map((_, i) => i + 1));
    const completed = all.filter((e) => e.type === "step-completed").map(keyOf);
    expect(new Set(completed).size, "no step completed twice").to.equal(completed.length);
    expect(h.engine.flipCount("us", "us-op1")).to.equal(1);
    expect(h.engine.flipCount("us", "us-op2")).to.equal(1);
  });

  it("S3 still down at the step boundary: the driver stops there with a clear message; no event is lost", async () => {
    const { h, drive, events, messages } = setup();
    const held = holdingEngine(h.engine, "us-op2");
    const running = drive(held.engine, (executor) => executor.start(h.plan, "deploy"));
    await held.reached;
    const before = await events();
    await server.stop();
    await until(
      () => messages().some((m) => /heartbeat of the fleet lock .* failed/.test(m)),
      "a failed heartbeat",
    );
    held.release();
    const outcome = await running;
    await server.resume();

    expect(outcome.kind).to.equal("paused");
    expect((outcome as { reason: string }).reason).to.match(
      /the journal store s3:\/\/fleet-faults\/run-\d+ did not answer: .*stopped at a step boundary; every event the journal acknowledged is kept/,
    );
    // Everything acknowledged before the outage is there; the step under way was not recorded done.
    const after = await events();
    expect(after.map(keyOf)).to.deep.equal(before.map(keyOf));
    expect(after.at(-1) && keyOf(after.at(-1)!)).to.equal("step-started us#1 deploy-idle");

    // The lock could not be given back while S3 was down: it turns stale after its TTL.
    expect(messages().join("\n")).to.match(
      /could not give the fleet lock s3:\/\/fleet-faults\/run-\d+\/fleet\.lock back .*; it turns stale after its TTL/,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const resumed = await drive(h.engine, (executor) => executor.resume());
    expect(resumed).to.deep.equal({ kind: "succeeded" });
    expect(messages().join("\n")).to.match(/took over a stale fleet lock \(no heartbeat for/);
    const all = await events();
    expect(all.map((e) => e.seq)).to.deep.equal(all.map((_, i) => i + 1));
    expect(all.filter((e) => keyOf(e) === "step-started us#1 deploy-idle")).to.have.length(2);
    expect(all.filter((e) => keyOf(e) === "step-completed us#1 deploy-idle")).to.have.length(1);
    expect(h.engine.flipCount("us", "us-op2")).to.equal(1);
  });
});
