import { spawn } from "node:child_process";
import * as fs from "node:fs";

/**
 * Process lifetimes for the local target. Every process is started detached, in its own
 * process group, with stdio going to a log file: it outlives `pulumi up` (and the provider
 * host that started it), and a group signal reaches everything it forked (HAProxy's workers).
 */

export interface DetachedSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly cwd?: string;
}

/** Starts a detached process and returns its pid, which is also its process group id. */
export function spawnDetached(spec: DetachedSpec): number {
  const log = fs.openSync(spec.logFile, "a");
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...spec.env },
      cwd: spec.cwd,
    });
    // Spawn failures (ENOENT...) arrive as an event; without a listener they would crash us.
    child.on("error", () => undefined);
    child.unref();
    if (child.pid === undefined)
      throw new Error(`could not start ${spec.command}; see ${spec.logFile}`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

function procFile(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Parent pid from /proc/<pid>/stat. */
function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** Process state letter from /proc (R, S, Z...), or undefined without /proc. */
function procState(stat: string): string {
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

/**
 * `starting`: a child of ours that has not finished its exec yet, even though spawn() returned:
 * for a moment it still shows our own command line, or an empty one. (A kernel thread's command
 * line is empty for good; it is never ours.)
 */
export type Ownership = "ours" | "foreign" | "gone" | "starting";

/**
 * Whether `pid` is one of our live processes: its command line must contain `marker` (our
 * resource id), which guards against a recycled pid. Zombies count as gone. Without /proc
 * (macOS) only liveness can be checked.
 */
export function ownership(pid: number, marker: string): Ownership {
  if (!Number.isInteger(pid) || pid <= 0) return "gone";
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return "gone";
  }
  const stat = procFile(pid, "stat");
  if (stat === undefined) return fs.existsSync("/proc/self") ? "gone" : "ours";
  if (["Z", "X"].includes(procState(stat))) return "gone";
  const cmdline = procFile(pid, "cmdline");
  if (cmdline === undefined) return "gone";
  if (cmdline.includes(marker)) return "ours";
  if (cmdline === "" || parentOf(stat) === process.pid) return "starting";
  return "foreign";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ownership() once the command line is readable: waits out a fresh child's exec (see
 * `starting`). Still `starting` after `timeoutMs` means no process of ours (a kernel thread).
 */
export async function settledOwnership(
  pid: number,
  marker: string,
  timeoutMs = 1_000,
): Promise<Ownership> {
  const deadline = Date.now() + timeoutMs;
  let owner = ownership(pid, marker);
  while (owner === "starting" && Date.now() < deadline) {
    await sleep(5);
    owner = ownership(pid, marker);
  }
  return owner;
}

export function isRunning(pid: number, marker: string): boolean {
  return ownership(pid, marker) === "ours";
}

/** Live members of a process group, from /proc; [] where /proc is missing. */
export function groupMembers(pgid: number): number[] {
  if (!Number.isInteger(pgid) || pgid <= 1) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const stat = procFile(pid, "stat");
    if (stat === undefined) return false;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]) === pgid && !["Z", "X"].includes(fields[0]);
  });
}

/** Our own process group, from /proc; undefined without /proc. */
function ownGroup(): number | undefined {
  const stat = procFile(process.pid, "stat");
  return stat === undefined
    ? undefined
    : Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/** Only real groups of other processes: never 0, init's, or the one we run in. */
function isGroupWeMayStop(pgid: number): boolean {
  return Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid && pgid !== ownGroup();
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!isGroupWeMayStop(pgid)) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Stops a process group started by spawnDetached: SIGTERM (the app drains, HAProxy stops),
 * then SIGKILL after `graceMs`. Already-dead groups are fine. Resolves once nothing of the
 * group is left. A pid whose command line lacks the marker is someone else's: left alone.
 */
export async function stopProcessGroup(
  pid: number,
  marker: string,
  graceMs = 5_000,
): Promise<void> {
  // kill(-0) would signal our own group, and group 0 holds the kernel's threads.
  if (!isGroupWeMayStop(pid)) return;
  // A child stopped right after its spawn may still be in exec: wait for its command line,
  // or it would look foreign and outlive us.
  const owner = await settledOwnership(pid, marker);
  if (owner === "foreign" || owner === "starting") return;
  // The leader may be gone while forked members (HAProxy workers) are still around.
  const alive = () => isRunning(pid, marker) || groupMembers(pid).length > 0;
  if (!alive()) return;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(20);
  if (!alive()) return;
  signalGroup(pid, "SIGKILL");
  const killDeadline = Date.now() + 2_000;
  while (alive() && Date.now() < killDeadline) await sleep(20);
  if (alive()) throw new Error(`process group ${pid} survived SIGKILL`);
}

/** The pid in a pid file, or 0 when there is none. */
export function readPidFile(file: string): number {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}
