// The leftover-process check of the test run itself (test/support/leftover-processes.ts) and
// the session kill that stops a killed Pulumi CLI's plugins with it.
import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { killSession, RUN_MARK, runProcesses, sessionMembers } from "../support/run-processes";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const alive = (pid: number) => {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
};

describe("test run: its own processes", function () {
  before(function () {
    if (!fs.existsSync("/proc/self/stat")) this.skip();
  });

  it("finds a child of the run by the mark it inherits, and not another run's", async () => {
    const mark = process.env[RUN_MARK];
    expect(mark, "the root hook marks the run").to.be.a("string");
    const ours = spawn("sleep", ["30"], { stdio: "ignore" });
    const theirs = spawn("sleep", ["30"], {
      stdio: "ignore",
      env: { ...process.env, [RUN_MARK]: "another-run" },
    });
    try {
      await until(
        () => runProcesses(mark!).some((p) => p.pid === ours.pid),
        "the marked child to show",
      );
      const found = runProcesses(mark!).map((p) => p.pid);
      expect(found).to.include(ours.pid);
      expect(found).not.to.include(theirs.pid);
      expect(found).not.to.include(process.pid);
    } finally {
      ours.kill("SIGKILL");
      theirs.kill("SIGKILL");
      await Promise.all([exited(ours), exited(theirs)]);
    }
    expect(runProcesses(mark!).map((p) => p.pid)).not.to.include(ours.pid);
  });

  it("kills a session with its members in groups of their own, not one that left it", async () => {
    // Like a detached Pulumi CLI: one plugin in its own group (set -m), one that started a
    // session of its own (as an Outpost's processes do).
    const script = [
      "set -m",
      "sleep 30 & echo plugin=$!",
      "setsid sh -c 'echo own=$$; exec sleep 31' &",
      "wait",
    ].join("\n");
    const leader = spawn("sh", ["-c", script], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let output = "";
    leader.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const pidOf = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(output)?.[1] ?? 0);
    await until(() => pidOf("plugin") > 0 && pidOf("own") > 0, "the leader's children");
    const plugin = pidOf("plugin");
    const ownSession = pidOf("own");
    try {
      expect(sessionMembers(leader.pid!)).to.include.members([leader.pid, plugin]);
      expect(sessionMembers(leader.pid!)).not.to.include(ownSession);

      await killSession(leader.pid!);

      expect(sessionMembers(leader.pid!)).to.deep.equal([]);
      expect(alive(plugin)).to.equal(false);
      expect(alive(ownSession)).to.equal(true);
    } finally {
      if (alive(ownSession)) process.kill(ownSession, "SIGKILL");
    }
  });

  it("refuses to kill its own session", async () => {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const sid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
    const refused = await killSession(sid).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(refused)).to.match(/refusing to kill our own session/);
  });
});
