import * as path from "node:path";

/**
 * The engine runs a compiled copy of this program from `.outpost-fleet/program/<hash>/`
 * (automation/engine/program-build.ts) and names the repository it was compiled from here, so
 * that the compiled program finds the same files (config/layers, app/) as the source.
 */
export const SOURCE_ROOT_ENV = "OUTPOST_FLEET_SOURCE_ROOT";

/**
 * The repository root the program's files are read from: `$OUTPOST_FLEET_SOURCE_ROOT` when
 * set, else two folders up from this module (infra/config/), as the source program has it.
 */
export function sourceRoot(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[SOURCE_ROOT_ENV];
  return explicit ? path.resolve(explicit) : path.resolve(__dirname, "..", "..");
}
