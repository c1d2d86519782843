import { randomUUID } from "node:crypto";
import * as fs from "node:fs";

// The processes a test run starts, found again from /proc when it ends: every child inherits
// the run's mark in its environment (drivers, the Pulumi CLI, its language host and plugins),
// and the mark is unique per run, so a run in another checkout, or a second one in this
// checkout, never counts. An Outpost's app and HAProxy processes get a scrubbed environment
// without it; the suites that start stacks check those themselves (destroy leaves no process
// behind). Linux only: without /proc nothing is found.

/** The environment variable that marks a test run's processes. */
export const RUN_MARK = "OUTPOST_FLEET_TEST_RUN";

export interface RunProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly command: string;
}

/**
 * Marks this process's environment with a new mark, so every child inherits it. A new one
 * even when the variable is set: a run started from inside another counts only its own.
 */
export function markRun(env: NodeJS.ProcessEnv = process.env): string {
  const mark = `${process.pid}-${randomUUID()}`;
  env[RUN_MARK] = mark;
  return mark;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

interface Stat {
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
}

/** /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
function statOf(pid: number): Stat | undefined {
  const text = readProc(pid, "stat");
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    state: fields[0],
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
  };
}

function livePids(): number[] {
  try {
    return fs
      .readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

/** This process and its ancestors: never a leftover, whatever their environment. */
function selfAndAncestors(): Set<number> {
  const chain = new Set<number>();
  for (let pid = process.pid; pid > 1 && !chain.has(pid); pid = statOf(pid)?.ppid ?? 0) {
    chain.add(pid);
  }
  return chain;
}

/** The live processes (zombies aside) with the mark `mark` in their environment. */
export function runProcesses(mark: string): RunProcess[] {
  const exclude = selfAndAncestors();
  const found: RunProcess[] = [];
  for (const pid of livePids()) {
    if (exclude.has(pid)) continue;
    const stat = statOf(pid);
    if (stat === undefined || stat.state === "Z" || stat.state === "X") continue;
    const environ = readProc(pid, "environ") ?? "";
    if (!environ.split("\0").includes(`${RUN_MARK}=${mark}`)) continue;
    const command = (readProc(pid, "cmdline") ?? "").split("\0").join(" ").trim();
    found.push({ pid, ppid: stat.ppid, pgid: stat.pgid, sid: stat.sid, command });
  }
  return found;
}

/** The live members of session `sid` (a child spawned `detached` leads its own). */
export function sessionMembers(sid: number): number[] {
  if (!Number.isInteger(sid) || sid <= 1) return [];
  return livePids().filter((pid) => {
    const stat = statOf(pid);
    return stat !== undefined && stat.sid === sid && stat.state !== "Z";
  });
}

/**
 * SIGKILLs every process of session `sid`: a killed Pulumi CLI leaves its plugins running
 * (each in its own process group, but in the CLI's session), and the Node.js dynamic
 * provider never notices that its engine is gone. Processes that started a session of their
 * own (an Outpost's app and HAProxy processes) are not touched. Resolves once none is left.
 */
export async function killSession(sid: number, timeoutMs = 5_000): Promise<void> {
  if (sid === statOf(process.pid)?.sid) throw new Error(`refusing to kill our own session ${sid}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const members = sessionMembers(sid).filter((pid) => pid !== process.pid);
    if (members.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`session ${sid} still runs ${members.join(", ")} after SIGKILL`);
    }
    for (const pid of members) {
      try {
        process.kill(pid, "SIGKILL");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
