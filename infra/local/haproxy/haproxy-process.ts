import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { spawnDetached, isRunning, settledOwnership } from "../process/processes";
import { logTail, waitFor } from "../process/probes";
import { runtimeCommand } from "./runtime-client";

/** Files of one balancer under its folder in the run dir. */
export interface HaproxyFiles {
  readonly dir: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly pidFile: string;
  readonly socketPath: string;
}

export function haproxyFiles(dir: string, socketPath: string): HaproxyFiles {
  return {
    dir,
    configFile: path.join(dir, "haproxy.cfg"),
    logFile: path.join(dir, "haproxy.log"),
    pidFile: path.join(dir, "haproxy.pid"),
    socketPath,
  };
}

/** Writes atomically: a reload must never read half a config. */
export function writeConfig(files: HaproxyFiles, text: string): void {
  const temporary = `${files.configFile}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, files.configFile);
}

/** `haproxy -c`: a config mistake fails here with HAProxy's own message, before any change. */
export function validateConfig(
  haproxyBin: string,
  files: HaproxyFiles,
  text: string,
): Promise<void> {
  const candidate = `${files.configFile}.check`;
  fs.writeFileSync(candidate, text);
  return new Promise((resolve, reject) => {
    execFile(haproxyBin, ["-c", "-q", "-f", candidate], (error, _stdout, stderr) => {
      fs.rmSync(candidate, { force: true });
      if (error)
        reject(
          new Error(`HAProxy rejected the generated config: ${stderr.trim() || error.message}`),
        );
      else resolve();
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts HAProxy in master-worker mode (`-W`, in the foreground of its own process group) and
 * waits until every frontend port accepts connections and the runtime API answers. Returns
 * the master's pid. Throws with the log tail when HAProxy exits instead (e.g. port taken).
 */
export async function startHaproxy(
  haproxyBin: string,
  files: HaproxyFiles,
  ports: readonly number[],
  marker: string,
  timeoutMs = 10_000,
): Promise<number> {
  if (!files.configFile.includes(marker)) {
    throw new Error(`internal: the config path must carry the marker ${marker}`);
  }
  fs.rmSync(files.socketPath, { force: true });
  const pid = spawnDetached({
    command: haproxyBin,
    args: ["-W", "-f", files.configFile],
    env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
    logFile: files.logFile,
    cwd: files.dir,
  });
  fs.writeFileSync(files.pidFile, `${pid}\n`);
  // Until its exec has finished, the new process does not look like ours yet.
  await settledOwnership(pid, marker);
  await waitFor(
    async () => {
      if (!isRunning(pid, marker))
        throw new Error(`HAProxy exited at start:\n${logTail(files.logFile)}`);
      const listening = await Promise.all(ports.map(accepts));
      if (!listening.every(Boolean)) return undefined;
      await runtimeCommand(files.socketPath, "show info", 1_000);
      return true;
    },
    timeoutMs,
    () =>
      `HAProxy did not come up on 127.0.0.1 ports ${ports.join(", ")}:\n${logTail(files.logFile)}`,
  );
  return pid;
}

/** The pid of the current worker, from `show info`. */
export async function workerPid(socketPath: string): Promise<number> {
  const info = await runtimeCommand(socketPath, "show info");
  const match = /^Pid: (\d+)$/m.exec(info);
  if (match === null) throw new Error(`no Pid in "show info": ${info.slice(0, 200)}`);
  return Number(match[1]);
}

/**
 * Seamless reload: SIGUSR2 makes the master start a new worker on the new config, which takes
 * over the listening sockets; the old worker finishes its connections and exits. Resolves
 * when the runtime API is answered by the new worker.
 */
export async function reloadHaproxy(
  masterPid: number,
  files: HaproxyFiles,
  timeoutMs = 10_000,
): Promise<void> {
  const before = await workerPid(files.socketPath);
  process.kill(masterPid, "SIGUSR2");
  await waitFor(
    async () => {
      const now = await workerPid(files.socketPath).catch(() => before);
      return now !== before ? true : undefined;
    },
    timeoutMs,
    () => `HAProxy did not reload:\n${logTail(files.logFile)}`,
  );
}
