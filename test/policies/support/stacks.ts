import { readStackFile, StackLayer } from "../../../infra/config";
import { initialDeploymentState, OutpostDeploymentState } from "../../../infra/contract";

/** The release the example stack files are committed with. */
export const PINNED_RELEASE = "2.0.0";

/** Both colors on one version, blue active and taking all traffic, green cold. */
export function steady(version = PINNED_RELEASE): OutpostDeploymentState {
  return initialDeploymentState(version);
}

/**
 * An example stack file with its release and deployment pinned. The driver moves those two
 * keys in the stack files as it releases (a local release in a shared checkout rewrites
 * Pulumi.local-*.yaml), so tests never take them from the file.
 */
export function pinnedStack(
  stack: string,
  release = PINNED_RELEASE,
  deployment: Readonly<Record<string, Partial<OutpostDeploymentState>>> = {},
): StackLayer {
  const layer = readStackFile(stack);
  const outposts = (layer.outposts as { name: string }[]).map((o) => o.name);
  return {
    ...layer,
    release: { version: release },
    deployment: Object.fromEntries(
      outposts.map((name) => [name, { ...steady(), ...deployment[name] }]),
    ),
  };
}
