import * as pulumi from "@pulumi/pulumi";
import { FleetConfig } from "../config";
import { FAULTS_ENV, FaultsByVersion, parseFaults } from "./faults";
import { LocalOutpostOutputs, OutpostSite } from "./components/outpost-site";
import { LocalRuntimeOptions, resolveLocalRuntime } from "./runtime";

export interface LocalFleetOptions extends Partial<LocalRuntimeOptions> {
  /** Default: parsed from `$OUTPOST_FLEET_LOCAL_FAULTS` (see faults.ts). */
  readonly faults?: FaultsByVersion;
}

/** Stack outputs of the local target (STACK_OUTPUTS in contract.ts). */
export interface LocalFleetOutputs {
  readonly outposts: pulumi.Output<Record<string, LocalOutpostOutputs>>;
  readonly release: string;
  readonly fingerprint: string;
  readonly regionGroup: string;
  readonly environment: string;
  readonly target: "local";
  readonly kubeconfigs: pulumi.Output<Record<string, string>>;
}

/**
 * The local target for one stack: per Outpost, blue and green pools of app processes behind
 * an HAProxy whose weights follow the deployment state. Fails before registering anything
 * when HAProxy is missing or the fault injection variable is malformed.
 */
export function deployLocalFleet(
  config: FleetConfig,
  options: LocalFleetOptions = {},
): LocalFleetOutputs {
  const runtime = resolveLocalRuntime({ ...options, stack: options.stack ?? pulumi.getStack() });
  const faults = options.faults ?? parseFaults(process.env[FAULTS_ENV]);
  const sites = config.outposts.map(
    (outpost) => new OutpostSite(outpost.name, { config, outpost, runtime, faults }),
  );
  const outposts = pulumi
    .all(sites.map((site) => site.outputs))
    .apply((list) => Object.fromEntries(list.map((entry) => [entry.outpost, entry])));
  return {
    outposts,
    release: config.release.version,
    fingerprint: config.fingerprint,
    regionGroup: config.regionGroup,
    environment: config.environment,
    target: "local",
    // No clusters locally; still a secret, like on AWS, so the output's shape never changes.
    kubeconfigs: pulumi.secret(pulumi.output({} as Record<string, string>)),
  };
}
