import * as path from "node:path";

/** The repo root: where Pulumi.yaml and the Pulumi.<stack>.yaml files live. */
export const DEFAULT_PROJECT_DIR = path.resolve(__dirname, "..", "..");

export function projectDirFrom(flag: string | undefined, env = process.env): string {
  return path.resolve(flag ?? env.OUTPOST_FLEET_PROJECT_DIR ?? DEFAULT_PROJECT_DIR);
}
