import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs `outpost-fleet` on the local profile (`--state-dir`): the engine variables a caller uses
 * itself (PULUMI_BACKEND_URL, PULUMI_HOME) would choose the user's backend profile instead. Its output
 * goes to the terminal, or to `logFile` (the demo draws its own progress meanwhile).
 */
export function runDriverProcess(
  args: string[],
  env: Record<string, string>,
  logFile: string | undefined,
): Promise<number> {
  const driverEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete driverEnv.PULUMI_BACKEND_URL;
  delete driverEnv.PULUMI_HOME;
  const log = logFile === undefined ? undefined : fs.openSync(logFile, "a");
  return new Promise<number>((resolve, reject) => {
    const child = spawn(path.join(ROOT, "bin", "outpost-fleet"), args, {
      cwd: ROOT,
      env: driverEnv,
      stdio: log === undefined ? "inherit" : ["ignore", log, log],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  }).finally(() => {
    if (log !== undefined) fs.closeSync(log);
  });
}
