import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../../automation/engine/pulumi-environment";
import { BIN } from "../../automation/support/cli-harness";

/** A stack file's `config` mapping, to reshape before it is written. */
export type StackConfig = Record<string, unknown>;

/**
 * A scratch project in `dir` whose program is this repository's: its Pulumi.yaml, and one
 * Pulumi.<name>.yaml per entry, copied from a committed stack file at release 2.0.0 with no
 * deployment state (each Outpost starts settled), then reshaped by `edit`.
 */
export function writeLocalProject(
  dir: string,
  stacks: Readonly<
    Record<string, { readonly from: string; readonly edit?: (c: StackConfig) => void }>
  >,
): void {
  fs.mkdirSync(dir, { recursive: true });
  const pulumiYaml = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `${pulumiYaml}\nmain: ${path.relative(dir, PROJECT_ROOT)}\n`,
  );
  for (const [name, { from, edit }] of Object.entries(stacks)) {
    const file = parse(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${from}.yaml`), "utf8")) as {
      config: StackConfig;
    };
    file.config["outpost-fleet:release"] = { version: "2.0.0" };
    delete file.config["outpost-fleet:deployment"];
    edit?.(file.config);
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify(file));
  }
}

/**
 * Runs the driver's CLI in its own process on the local profile: `env` is the engine's
 * (pulumiEnvironment), without PULUMI_BACKEND_URL or PULUMI_HOME, which would choose another.
 */
export function runDriverCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const driverEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete driverEnv.PULUMI_BACKEND_URL;
    delete driverEnv.PULUMI_HOME;
    const child = spawn(process.execPath, [BIN, ...args], { env: driverEnv });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code: code ?? -1, output }));
  });
}
