import * as fs from "node:fs";
import * as path from "node:path";
import { httpStatus, logTail, waitFor } from "../process/probes";
import { isRunning, settledOwnership, spawnDetached, stopProcessGroup } from "../process/processes";
import { AppPoolInputs, AppProcess } from "./pool-types";

/** How long one app process may take to publish its port and turn ready. */
export const APP_START_TIMEOUT_MS = 30_000;

/** Folder of one pool under the run dir: pid, port and log file per slot. */
export function poolDir(runDir: string, poolId: string): string {
  return path.join(runDir, poolId);
}

function slotFile(dir: string, slot: number, extension: string): string {
  return path.join(dir, `slot-${slot}.${extension}`);
}

/**
 * Starts the app for one slot of a pool and waits until it answers 200 on the ready path.
 * The app binds port 0 itself and writes the port it got to a file, so two stacks starting
 * at once can never race for a port. The command line carries the pool id, which is how
 * `isRunning` tells our process from a recycled pid.
 */
export async function startAppProcess(
  poolId: string,
  inputs: AppPoolInputs,
  slot: number,
  runDir: string = inputs.runDir,
): Promise<AppProcess> {
  const dir = poolDir(runDir, poolId);
  fs.mkdirSync(dir, { recursive: true });
  const portFile = slotFile(dir, slot, "port");
  const logFile = slotFile(dir, slot, "log");
  fs.rmSync(portFile, { force: true });
  const pid = spawnDetached({
    command: process.execPath,
    args: [inputs.appEntry, "--instance", `${poolId}/${slot}`],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOST: "127.0.0.1",
      PORT: "0",
      APP_PORT_FILE: portFile,
      APP_VERSION: inputs.version,
      APP_COLOR: inputs.color,
      OUTPOST: inputs.outpost,
      APP_FAULT_ERROR_RATE: String(inputs.faults.errorRate),
      APP_FAULT_LATENCY_MS: String(inputs.faults.latencyMs),
      APP_FAULT_PATHS: inputs.faults.paths?.join(",") ?? "",
      APP_FAULT_BROKEN_PATHS: inputs.faults.brokenPaths?.join(",") ?? "",
      APP_RUNTIME_CONFIG: inputs.runtimeSettings ?? "",
    },
    logFile,
    cwd: dir,
  });
  fs.writeFileSync(slotFile(dir, slot, "pid"), `${pid}\n`);
  // Until its exec has finished, the new process does not look like ours yet.
  await settledOwnership(pid, poolId);
  const what = () => `${inputs.outpost} ${inputs.color} slot ${slot} (pid ${pid}, log ${logFile})`;
  try {
    const port = await waitFor(
      () => {
        if (fs.existsSync(portFile)) return Number(fs.readFileSync(portFile, "utf8"));
        if (!isRunning(pid, poolId))
          throw new Error(`app exited at start: ${what()}\n${logTail(logFile)}`);
        return undefined;
      },
      APP_START_TIMEOUT_MS,
      () => `app did not report its port: ${what()}\n${logTail(logFile)}`,
    );
    await waitFor(
      async () => ((await httpStatus(port, inputs.readyPath)) === 200 ? true : undefined),
      APP_START_TIMEOUT_MS,
      () => `app did not turn ready on ${inputs.readyPath}: ${what()}\n${logTail(logFile)}`,
    );
    return { slot, pid, port };
  } catch (error) {
    await stopProcessGroup(pid, poolId);
    throw error;
  }
}

/**
 * Starts several slots at once. All or nothing: when one fails, the others are stopped and
 * the first error is thrown, so a failed create leaves no process behind.
 */
export async function startAppProcesses(
  poolId: string,
  inputs: AppPoolInputs,
  slots: readonly number[],
  runDir: string = inputs.runDir,
): Promise<AppProcess[]> {
  const results = await Promise.allSettled(
    slots.map((slot) => startAppProcess(poolId, inputs, slot, runDir)),
  );
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure !== undefined) {
    await Promise.all(started.map((p) => stopProcessGroup(p.pid, poolId)));
    throw failure.reason;
  }
  return started;
}

/** Pids from the pool's pid files: a safety net for processes missing from the state. */
export function pidsOnDisk(runDir: string, poolId: string): number[] {
  const dir = poolDir(runDir, poolId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".pid"))
    .map((file) => Number(fs.readFileSync(path.join(dir, file), "utf8")))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Stops every process of a pool (state and pid files alike) and removes its folder. */
export async function stopPool(
  runDir: string,
  poolId: string,
  processes: readonly AppProcess[],
): Promise<void> {
  const pids = new Set([...processes.map((p) => p.pid), ...pidsOnDisk(runDir, poolId)]);
  await Promise.all([...pids].map((pid) => stopProcessGroup(pid, poolId)));
  fs.rmSync(poolDir(runDir, poolId), { recursive: true, force: true });
}
