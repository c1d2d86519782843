/**
 * The journal and the fleet lock in S3, against a real S3 server (versitygw on loopback):
 * create-only events, incremental reads, two writers, damage; the lock's conditional writes,
 * its refusal, takeover and the race of 20 drivers; a wrong bucket and wrong credentials.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { openFleetStore } from "../../automation/store/fleet-store";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { LockLostError, type LockClaim } from "../../automation/lock/lock-holder";
import { S3Bucket } from "../../automation/store/s3/s3-bucket";
import { s3ClientFor } from "../../automation/store/s3/s3-client";
import { S3FleetLock } from "../../automation/store/s3/s3-fleet-lock";
import { eventName, S3Journal } from "../../automation/store/s3/s3-journal";
import { parseStoreLocation, type StoreLocation } from "../../automation/store/store-location";
import { ExitCode } from "../../automation/support/exit-codes";
import { UserError } from "../../automation/support/user-error";
import { S3TestServer } from "../support/s3-server";
import { makeHarness } from "./support/executor-harness";

const actor = { user: "alice", host: "runner-a", pid: 101, runId: "github:acme/fleet/7/1" };
const claim: LockClaim = {
  ...actor,
  command: "outpost-fleet deploy --release 2.1.0",
  release: "2.1.0",
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe("S3 journal and fleet lock (versitygw)", function () {
  this.timeout(60_000);
  let server: S3TestServer;
  let bucket: string;
  let prefixes = 0;

  before(async () => {
    server = await S3TestServer.start();
    bucket = await server.createBucket("fleet-journal");
  });
  after(async () => server?.close());

  /** A fresh prefix of the test bucket, and an S3Bucket on it counting the GETs it sends. */
  function place(): {
    location: StoreLocation & { kind: "s3" };
    bucket: S3Bucket;
    gets: () => number;
  } {
    const location = parseStoreLocation(
      server.journalUrl(bucket, `fleet-${++prefixes}`),
      "--journal-url",
    ) as StoreLocation & { kind: "s3" };
    const client: S3Client = s3ClientFor(location, server.env());
    let gets = 0;
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === "GetObjectCommand") gets++;
        return next(args);
      },
      { step: "initialize", name: "countGets" },
    );
    return { location, bucket: new S3Bucket(client, location), gets: () => gets };
  }

  describe("journal", () => {
    it("writes one create-only object per event, holding the journal file's checksummed line", async () => {
      const { bucket: b, location } = place();
      const journal = new S3Journal(b, "2.1.0", () => Date.UTC(2025, 0, 1));
      await journal.append({ type: "pause-requested", by: actor });
      await journal.append({ type: "paused", before: "wave us" });
      const { events, tornTail } = await new S3Journal(b, "2.1.0").read();
      expect(tornTail).to.equal(false);
      expect(events.map((e) => [e.seq, e.type, e.at])).to.deep.equal([
        [1, "pause-requested", "2025-01-01T00:00:00.000Z"],
        [2, "paused", "2025-01-01T00:00:00.000Z"],
      ]);
      expect(server.keys(bucket).filter((k) => k.startsWith(location.prefix))).to.deep.equal([
        `${location.prefix}/releases/2.1.0/0000000001.jsonl`,
        `${location.prefix}/releases/2.1.0/0000000002.jsonl`,
      ]);
      const body = fs.readFileSync(
        path.join(server.dir, "data", bucket, location.prefix, eventName("2.1.0", 2)),
        "utf8",
      );
      expect(body).to.match(/^\{.*"type":"paused".*\}\t[0-9a-f]{16}\n$/);
      expect(journal.location).to.equal(`s3://${bucket}/${location.prefix}/releases/2.1.0/`);
    });

    it("reads incrementally: events already read are never downloaded again", async () => {
      const { bucket: b, gets } = place();
      const writer = new S3Journal(b, "2.1.0");
      for (let i = 0; i < 5; i++) await writer.append({ type: "paused", before: `step ${i}` });
      const reader = new S3Journal(b, "2.1.0");
      const before = gets();
      expect((await reader.read()).events).to.have.length(5);
      expect(gets() - before, "first read").to.equal(5);
      expect((await reader.read()).events).to.have.length(5);
      expect(gets() - before, "second read, nothing new").to.equal(5);
      await writer.append({ type: "paused", before: "step 5" });
      expect((await reader.read()).events.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(gets() - before, "third read, one new event").to.equal(6);
    });

    it("two writers appending at once lose nothing and never share a sequence number", async () => {
      const { bucket: b } = place();
      const one = new S3Journal(b, "2.1.0");
      const two = new S3Journal(b, "2.1.0");
      const write = (journal: S3Journal, who: string) =>
        (async () => {
          for (let i = 0; i < 15; i++)
            await journal.append({ type: "paused", before: `${who}-${i}` });
        })();
      await Promise.all([write(one, "one"), write(two, "two")]);
      const events = (await new S3Journal(b, "2.1.0").read()).events;
      expect(events.map((e) => e.seq)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      const written = events.map((e) => (e.type === "paused" ? e.before : ""));
      for (const who of ["one", "two"]) {
        // Each writer's own events, all of them, in its own order.
        expect(written.filter((w) => w.startsWith(who))).to.deep.equal(
          Array.from({ length: 15 }, (_, i) => `${who}-${i}`),
        );
      }
    });

    it("reports a damaged event or a missing one instead of skipping it", async () => {
      const { bucket: b, location } = place();
      const journal = new S3Journal(b, "2.1.0");
      for (let i = 0; i < 3; i++) await journal.append({ type: "paused", before: `s${i}` });
      const file = (seq: number) =>
        path.join(server.dir, "data", bucket, location.prefix, eventName("2.1.0", seq));
      fs.writeFileSync(file(2), fs.readFileSync(file(2), "utf8").replace('"s1"', '"S1"'));
      const damaged = await rejection(new S3Journal(b, "2.1.0").read());
      expect(String(damaged)).to.match(/0000000002\.jsonl is damaged \(.*\); refusing to guess/);
      fs.rmSync(file(2));
      expect(String(await rejection(new S3Journal(b, "2.1.0").read()))).to.match(
        /event 2 is missing \(found releases\/2\.1\.0\/0000000003\.jsonl\); refusing to guess/,
      );
    });

    it("serves the executor like the journal file: a whole release, then status from S3", async () => {
      const { location } = place();
      const store = openFleetStore(location, { env: server.env() });
      const h = makeHarness();
      const outcome = await h.executor(store.journals.journal("2.1.0")).start(h.plan, "deploy");
      expect(outcome).to.deep.equal({ kind: "succeeded" });
      // A second store (another runner) sees the release and its outcome.
      const other = openFleetStore(location, { env: server.env() });
      expect(await other.journals.releases()).to.deep.equal(["2.1.0"]);
      expect(await other.journals.latestRelease()).to.equal("2.1.0");
      const [journal] = await other.journals.allJournals();
      const events: JournalEvent[] = journal.events;
      expect(events.at(-1)).to.include({ type: "release-finished", outcome: "succeeded" });
      expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
    });
  });

  describe("fleet lock", () => {
    it("refuses a second driver, naming its user, host, CI run, command and heartbeat age", async () => {
      const { bucket: b } = place();
      let now = Date.UTC(2025, 0, 6, 9);
      const held = await new S3FleetLock(b, { now: () => now }).acquire(claim);
      now += 42_000;
      const refused = await rejection(
        new S3FleetLock(b, { now: () => now, host: "runner-b", runId: "run-b" }).acquire({
          ...claim,
          user: "bob",
          host: "runner-b",
          runId: "run-b",
        }),
      );
      expect(refused).to.be.instanceOf(UserError);
      expect((refused as UserError).exitCode).to.equal(ExitCode.Locked);
      expect((refused as Error).message).to.match(
        /locked by another driver: alice@runner-a \(CI run github:acme\/fleet\/7\/1, pid 101, `outpost-fleet deploy --release 2\.1\.0` for release 2\.1\.0, since 2025-01-06T09:00:00\.000Z, last heartbeat 42s ago\) \(lock s3:\/\/fleet-journal\/fleet-\d+\/fleet\.lock\)/,
      );
      await held.release();
      expect((await new S3FleetLock(b).inspect()).state).to.equal("free");
    });

    it("beats with If-Match, is taken over once its heartbeat is older than the TTL, and never removes the new holder", async () => {
      const { bucket: b } = place();
      let now = Date.UTC(2025, 0, 6, 9);
      const options = { now: () => now, staleAfterMs: 60_000, host: "runner-b", runId: "run-b" };
      const first = await new S3FleetLock(b, { now: () => now }).acquire(claim);
      now += 50_000;
      await first.heartbeat();
      now += 50_000;
      expect((await new S3FleetLock(b, options).inspect()).state, "beat 50 s ago").to.equal("held");
      now += 20_000;
      const stale: string[] = [];
      const second = await new S3FleetLock(b, options).acquire(
        { ...claim, user: "bob", host: "runner-b", runId: "run-b" },
        (holder, why) => stale.push(`${holder.user}: ${why}`),
      );
      expect(stale).to.deep.equal(["alice: no heartbeat for 70s (TTL 60s)"]);
      const lost = await rejection(first.heartbeat());
      expect(lost).to.be.instanceOf(LockLostError);
      expect(String(lost)).to.match(
        /lost the fleet lock .* now held by bob@runner-b \(CI run run-b/,
      );
      await first.release();
      const observer = { ...options, host: "observer", runId: undefined };
      expect(await new S3FleetLock(b, observer).inspect()).to.deep.include({ state: "held" });
      await second.release();
      expect((await new S3FleetLock(b, observer).inspect()).state).to.equal("free");
    });

    it("20 drivers racing for a free lock: exactly one holds it, 19 are refused naming it", async () => {
      const { bucket: b } = place();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          new S3FleetLock(b, { host: `runner-${i}`, runId: `run-${i}` }).acquire({
            ...claim,
            user: `driver-${i}`,
            host: `runner-${i}`,
            runId: `run-${i}`,
          }),
        ),
      );
      const winners = results.filter((r) => r.status === "fulfilled");
      expect(winners, "holders").to.have.length(1);
      const holder = (winners[0] as PromiseFulfilledResult<{ holder: LockClaim }>).value.holder;
      const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refusals).to.have.length(19);
      for (const refusal of refusals) {
        expect((refusal.reason as UserError).exitCode).to.equal(ExitCode.Locked);
        expect((refusal.reason as Error).message).to.contain(`${holder.user}@${holder.host}`);
      }
      const state = await new S3FleetLock(b).inspect();
      expect(state.state === "held" && state.holder.user).to.equal(holder.user);
    });

    it("20 drivers racing to take over a stale lock: exactly one wins", async () => {
      const { bucket: b } = place();
      let now = Date.UTC(2025, 0, 6, 9);
      await new S3FleetLock(b, { now: () => now }).acquire(claim);
      now += 10 * 60_000;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          new S3FleetLock(b, { now: () => now, host: `runner-${i}`, runId: `run-${i}` }).acquire({
            ...claim,
            user: `driver-${i}`,
            host: `runner-${i}`,
            runId: `run-${i}`,
          }),
        ),
      );
      expect(
        results.filter((r) => r.status === "fulfilled"),
        "holders",
      ).to.have.length(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === "rejected")) {
        expect((r.reason as UserError).exitCode).to.equal(ExitCode.Locked);
      }
    });
  });

  describe("user mistakes", () => {
    it("a wrong bucket is a clear error (exit 2) naming it, before anything is written", async () => {
      const location = parseStoreLocation(
        server.journalUrl("no-such-bucket", "x"),
        "--journal-url",
      );
      const store = openFleetStore(location, { env: server.env() });
      const err = await rejection(store.lock.acquire(claim));
      expect(err).to.be.instanceOf(UserError);
      expect((err as UserError).exitCode).to.equal(ExitCode.BadInput);
      expect((err as Error).message).to.match(
        /the journal store s3:\/\/no-such-bucket\/x: bucket "no-such-bucket" does not exist \(NoSuchBucket\)/,
      );
    });

    it("wrong credentials are a clear error (exit 2), with no secret in the message", async () => {
      const { location } = place();
      for (const env of [
        server.env({ AWS_SECRET_ACCESS_KEY: "not-the-secret" }),
        server.env({ AWS_ACCESS_KEY_ID: "nobody" }),
      ]) {
        const err = await rejection(openFleetStore(location, { env }).lock.acquire(claim));
        expect(err).to.be.instanceOf(UserError);
        expect((err as UserError).exitCode).to.equal(ExitCode.BadInput);
        expect((err as Error).message).to.match(
          /S3 refused the credentials \((SignatureDoesNotMatch|InvalidAccessKeyId):.*check AWS_ACCESS_KEY_ID/,
        );
        expect((err as Error).message).not.to.contain("not-the-secret");
      }
      expect(server.keys(bucket).filter((k) => k.startsWith(location.prefix))).to.deep.equal([]);
    });
  });
});
