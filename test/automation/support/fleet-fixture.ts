import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import type { FleetStack } from "../../../automation/fleet/fleet-stack";
import type { OutpostDeploymentState } from "../../../infra/contract";

export const settled = (version = "2.0.0"): OutpostDeploymentState => ({
  blueVersion: version,
  greenVersion: version,
  activeColor: "blue",
  candidateWeight: 0,
  idleWarm: false,
  rolloutVersion: version,
});

/** A stack as the fleet reader would return it. */
export function fleetStack(
  name: string,
  outposts: readonly string[],
  extra: Partial<FleetStack> = {},
): FleetStack {
  return {
    name,
    file: `Pulumi.${name}.yaml`,
    regionGroup: name,
    target: "aws",
    environment: "production",
    awsRegion: "us-east-1",
    release: "2.0.0",
    outposts,
    deployment: Object.fromEntries(outposts.map((o) => [o, settled()])),
    ...extra,
  };
}

/** us, eu and apac with `perRegion` Outposts each, named like "us-op1". */
export function exampleFleet(perRegion = 4, regions = ["us", "eu", "apac"]): FleetStack[] {
  return regions.map((region) =>
    fleetStack(
      region,
      Array.from({ length: perRegion }, (_, i) => `${region}-op${i + 1}`),
    ),
  );
}

/** Writes Pulumi.<stack>.yaml files (and an empty settings file) into a fresh folder. */
export function writeProject(stacks: readonly FleetStack[], settings: object = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-project-"));
  for (const stack of stacks) {
    const config = {
      "outpost-fleet:regionGroup": stack.regionGroup,
      "outpost-fleet:target": stack.target,
      "outpost-fleet:release": { version: stack.release ?? "2.0.0" },
      "outpost-fleet:outposts": stack.outposts.map((name) => ({ name })),
      "outpost-fleet:deployment": stack.deployment,
      ...(stack.environment === "staging" ? { "outpost-fleet:environment": "staging" } : {}),
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${stack.name}.yaml`), stringify({ config }));
  }
  fs.writeFileSync(path.join(dir, "driver.yaml"), stringify(settings));
  return dir;
}
