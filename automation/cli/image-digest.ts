import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FleetStack } from "../fleet/fleet-stack";

// The digest of the build a release deploys, where the driver can know it without a registry
// call. A production wave needs a staging pass of this very digest (staging-pass-check.ts).

/**
 * Local target: every pool runs the project's app/ sources (app/launch.js transpiles them), so
 * their content is the artifact: `sha256:` over each source's name and bytes, as launch.js
 * keys its build cache. Undefined when the project has no app/ (then only a pass without a
 * digest matches).
 */
export function localImageDigest(projectDir: string): string | undefined {
  const dir = path.join(projectDir, "app");
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .filter((file) => (file.endsWith(".ts") && !file.endsWith(".d.ts")) || file === "launch.js")
    .sort();
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(dir, file)));
  return `sha256:${hash.digest("hex")}`;
}

/**
 * The image digest of a selection: the local one when every stack is local. AWS stacks: not
 * resolved (the tag is immutable, so release and tag name one digest; asking ECR is left to a
 * later change), so the check compares releases only.
 */
export function imageDigestFor(
  projectDir: string,
  selected: readonly FleetStack[],
): string | undefined {
  const allLocal = selected.length > 0 && selected.every((stack) => stack.target === "local");
  return allLocal ? localImageDigest(projectDir) : undefined;
}
