import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import type { CliIo } from "../../../automation/cli/cli-io";
import { main } from "../../../automation/cli/main";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with captured output. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: new PassThrough(),
    env: { ...env },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export const BIN = path.resolve(__dirname, "..", "..", "..", "bin", "outpost-fleet");

/** Runs the real launcher in a child process, as a user or CI would. */
export function runBin(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
