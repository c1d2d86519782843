import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./pulumi-environment";

/**
 * A project folder outside the repository whose Pulumi.yaml points `main` at this program,
 * holding copies of the chosen stack files. The engine writes stack config (the driver's
 * release and deployment state, the passphrase salt) into those copies, so demos and tests
 * never change the committed Pulumi.<stack>.yaml files. Reuses the copies already there.
 */
export function scratchProject(
  dir: string,
  stacks: readonly string[],
  projectRoot = PROJECT_ROOT,
): string {
  fs.mkdirSync(dir, { recursive: true });
  const project = fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `${project}\nmain: ${path.relative(dir, projectRoot)}\n`,
  );
  for (const stack of stacks) {
    const copy = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(copy)) fs.copyFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), copy);
  }
  return dir;
}
