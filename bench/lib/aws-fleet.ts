import type { FleetStack } from "../../automation/fleet/fleet-stack";
import type { OutpostDeploymentState } from "../../infra/contract";

export const REGIONS = ["us", "eu", "apac"];

/**
 * An aws fleet of `outposts` Outposts spread over the us, eu and apac stacks, every one settled
 * on 2.0.0 (blue active): the driver's input for the in-memory engine benchmarks.
 */
export function awsFleetOf(outposts: number): FleetStack[] {
  const settled: OutpostDeploymentState = {
    blueVersion: "2.0.0",
    greenVersion: "2.0.0",
    activeColor: "blue",
    candidateWeight: 0,
    idleWarm: false,
    rolloutVersion: "2.0.0",
  };
  return REGIONS.map((region, r) => {
    const count = Math.floor(outposts / REGIONS.length) + (r < outposts % REGIONS.length ? 1 : 0);
    const names = Array.from(
      { length: count },
      (_, i) => `${region}-op${String(i + 1).padStart(3, "0")}`,
    );
    return {
      name: region,
      file: `Pulumi.${region}.yaml`,
      regionGroup: region,
      target: "aws",
      environment: "production",
      awsRegion: undefined,
      release: "2.0.0",
      outposts: names,
      deployment: Object.fromEntries(names.map((n) => [n, settled])),
    };
  });
}
