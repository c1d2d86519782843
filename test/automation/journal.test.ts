import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileFleetLock, lockFile } from "../../automation/store/file/file-fleet-lock";
import { LockLostError } from "../../automation/lock/lock-holder";
import { JournalFile } from "../../automation/journal/journal-file";
import { ExitCode } from "../../automation/support/exit-codes";
import { UserError } from "../../automation/support/user-error";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-journal-test-"));
const actor = { user: "alice", host: "ci-1", pid: 101 };

describe("journal file", () => {
  it("appends numbered, timestamped, checksummed lines and reads them back", async () => {
    const journal = new JournalFile(path.join(tmp(), "r.jsonl"), () => Date.UTC(2025, 0, 1));
    await journal.append({ type: "pause-requested", by: actor });
    await journal.append({ type: "paused", before: "wave us" });
    const { events, tornTail } = await journal.read();
    expect(tornTail).to.equal(false);
    expect(events.map((e) => [e.seq, e.type, e.at])).to.deep.equal([
      [1, "pause-requested", "2025-01-01T00:00:00.000Z"],
      [2, "paused", "2025-01-01T00:00:00.000Z"],
    ]);
    expect(fs.readFileSync(journal.file, "utf8")).to.match(
      /^\{.*\}\t[0-9a-f]{16}\n\{.*\}\t[0-9a-f]{16}\n$/,
    );
  });

  it("ignores a torn last line (a kill mid-write) and cuts it before the next append", async () => {
    const journal = new JournalFile(path.join(tmp(), "r.jsonl"));
    await journal.append({ type: "paused", before: "a" });
    fs.appendFileSync(journal.file, '{"type":"paused","bef');
    expect(await journal.read()).to.deep.include({ tornTail: true });
    expect((await journal.read()).events).to.have.length(1);
    await journal.append({ type: "paused", before: "b" });
    const { events, tornTail } = await journal.read();
    expect(tornTail).to.equal(false);
    expect(events.map((e) => [e.seq, e.type === "paused" ? e.before : ""])).to.deep.equal([
      [1, "a"],
      [2, "b"],
    ]);
  });

  it("treats a complete last line with a bad checksum as torn too", async () => {
    const journal = new JournalFile(path.join(tmp(), "r.jsonl"));
    await journal.append({ type: "paused", before: "a" });
    fs.appendFileSync(journal.file, '{"type":"paused","before":"x","seq":2}\tdeadbeefdeadbeef\n');
    expect(await journal.read()).to.deep.include({ tornTail: true });
    expect((await journal.read()).events).to.have.length(1);
  });

  it("refuses to guess when a line in the middle is damaged", async () => {
    const journal = new JournalFile(path.join(tmp(), "r.jsonl"));
    await journal.append({ type: "paused", before: "a" });
    await journal.append({ type: "paused", before: "b" });
    const text = fs.readFileSync(journal.file, "utf8").replace('"a"', '"A"');
    fs.writeFileSync(journal.file, text);
    const damaged = await journal.read().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(damaged)).to.match(/line 1 is damaged/);
  });
});

describe("fleet lock (file)", () => {
  const who = { ...actor, command: "deploy --release 2.1.0", release: "2.1.0" };

  it("stops a second driver and names the holder", async () => {
    const dir = tmp();
    const first = await new FileFleetLock(dir, { host: "ci-1", isAlive: () => true }).acquire(who);
    const refused = await new FileFleetLock(dir, { host: "ci-1", isAlive: () => true })
      .acquire({ ...who, user: "bob", pid: 202 })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).to.be.instanceOf(UserError);
    expect((refused as UserError).exitCode).to.equal(ExitCode.Locked);
    expect((refused as Error).message).to.match(
      /locked by another driver: alice@ci-1 \(pid 101, `deploy --release 2.1.0` for release 2.1.0, since .*, last heartbeat \d+s ago\)/,
    );
    await first.release();
    expect(fs.existsSync(lockFile(dir))).to.equal(false);
  });

  it("takes over a stale lock whose process is gone on this host, naming the old holder", async () => {
    const dir = tmp();
    await new FileFleetLock(dir, { host: "ci-1" }).acquire(who);
    const stale: string[] = [];
    const second = await new FileFleetLock(dir, {
      host: "ci-1",
      isAlive: (pid) => pid !== 101,
    }).acquire({ ...who, user: "bob", pid: 202 }, (holder, why) =>
      stale.push(`${holder.user} pid ${holder.pid}: ${why}`),
    );
    expect(stale).to.deep.equal(["alice pid 101: process 101 no longer runs on ci-1"]);
    expect(
      await new FileFleetLock(dir, { host: "ci-1", isAlive: () => true }).inspect(),
    ).to.deep.include({ state: "held" });
    await second.release();
  });

  it("considers a holder on another host stale only after its heartbeat stops", async () => {
    const dir = tmp();
    let now = Date.UTC(2025, 0, 1);
    const lock = await new FileFleetLock(dir, { now: () => now, host: "ci-2" }).acquire({
      ...who,
      host: "ci-2",
    });
    const from = new FileFleetLock(dir, { now: () => now, host: "ci-1", staleAfterMs: 60_000 });
    now += 50_000;
    expect((await from.inspect()).state).to.equal("held");
    await lock.heartbeat();
    now += 50_000;
    expect((await from.inspect()).state).to.equal("held");
    now += 20_000;
    expect(await from.inspect()).to.deep.include({
      state: "stale",
      why: "no heartbeat for 70s (TTL 60s)",
    });
  });

  it("trusts a process id only in the same CI run on the same host", async () => {
    const dir = tmp();
    let now = Date.UTC(2025, 0, 1);
    await new FileFleetLock(dir, { now: () => now, host: "ci-1", runId: "run-a" }).acquire({
      ...who,
      host: "ci-1",
      runId: "run-a",
    });
    // Same host, another run: the pid (dead here) says nothing; only the heartbeat counts.
    const other = new FileFleetLock(dir, {
      now: () => now,
      host: "ci-1",
      runId: "run-b",
      isAlive: () => false,
      staleAfterMs: 60_000,
    });
    expect((await other.inspect()).state).to.equal("held");
    now += 61_000;
    expect((await other.inspect()).state).to.equal("stale");
    const sameRun = new FileFleetLock(dir, { host: "ci-1", runId: "run-a", isAlive: () => false });
    expect(await sameRun.inspect()).to.deep.include({ why: "process 101 no longer runs on ci-1" });
  });

  it("a driver whose lock was taken over cannot beat it, nor remove the new holder's lock", async () => {
    const dir = tmp();
    const first = await new FileFleetLock(dir, { host: "ci-1" }).acquire(who);
    const second = await new FileFleetLock(dir, {
      host: "ci-1",
      isAlive: (pid) => pid !== 101,
    }).acquire({ ...who, user: "bob", pid: 202 });
    const lost = await first.heartbeat().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(lost).to.be.instanceOf(LockLostError);
    expect(String(lost)).to.match(/lost the fleet lock .* now held by bob@ci-1/);
    await first.release();
    expect(fs.existsSync(lockFile(dir))).to.equal(true);
    await second.release();
    expect(fs.existsSync(lockFile(dir))).to.equal(false);
  });
});
