import * as pulumi from "@pulumi/pulumi";
import {
  appRuntimeDocument,
  FleetConfig,
  loadFleetConfig,
  SecretInventory,
  secureInventory,
  StackLayer,
} from "./config";

/** Stack outputs common to both targets; see STACK_OUTPUTS in contract.ts. */
export interface FleetOutputs {
  readonly [name: string]: unknown;
  readonly outposts: unknown;
  readonly kubeconfigs: unknown;
}

interface LocalTarget {
  deployLocalFleet(config: FleetConfig): FleetOutputs;
}

/**
 * The whole program, given the stack layer and its secret values. Config is loaded and
 * validated first, so a bad config fails before a single resource is registered. Targets are
 * loaded lazily: a local stack never loads the AWS SDK, and the other way round; the control
 * target (the central pipeline, infra/control) loads neither fleet target.
 * `inventory` says which secrets Pulumi holds as secure values; by default all given ones.
 */
export function fleetProgram(
  stack: StackLayer,
  secrets: Readonly<Record<string, pulumi.Input<string>>> = {},
  inventory: SecretInventory = secureInventory(Object.keys(secrets)),
): Record<string, unknown> {
  if (stack.target === "control") {
    // The central pipeline's stack (docs/pipeline.md): no Outposts, no fleet layers.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const control = require("./control") as typeof import("./control");
    return control.controlProgram(stack, Object.keys(secrets));
  }
  const config = loadFleetConfig(stack, undefined, inventory);
  for (const name of config.missingSecrets) {
    void pulumi.log.warn(
      `secret ${name} is declared in secretNames but has no value, so it is not created; ` +
        `set it with: pulumi config set --secret --path 'secrets.${name}' <value>`,
    );
  }
  const common = {
    release: config.release.version,
    fingerprint: config.fingerprint,
    runtimeFingerprint: appRuntimeDocument(config).fingerprint,
    regionGroup: config.regionGroup,
    environment: config.environment,
    target: config.target,
    // What this update applied to each Outpost: the deployment state lives in the backend too,
    // so a driver on a fresh checkout (a new CI runner) starts from what is deployed.
    deployment: config.deployment,
  };
  if (config.target === "local") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const local = require("./local") as LocalTarget;
    return { ...common, ...local.deployLocalFleet(config) };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require("./aws/fleet") as typeof import("./aws/fleet");
  const outputs = aws.deployAwsFleet(config, secrets);
  return { ...common, ...outputs };
}
