import * as pulumi from "@pulumi/pulumi";
import { configParameters, configRoot } from "../aws/config-parameters";
import { appRuntimeDocument, FleetConfig } from "../config";
import { ConfigStore } from "./components/config-store";
import { LocalOutpostOutputs, OutpostSite } from "./components/outpost-site";
import { LocalRuntimeOptions, resolveLocalRuntime } from "./local-runtime";
import { localStackTags } from "./tags";

export type LocalFleetOptions = Partial<LocalRuntimeOptions>;

/** Stack outputs of the local target (STACK_OUTPUTS in contract.ts). */
export interface LocalFleetOutputs {
  readonly outposts: pulumi.Output<Record<string, LocalOutpostOutputs>>;
  readonly release: string;
  readonly fingerprint: string;
  readonly runtimeFingerprint: string;
  readonly regionGroup: string;
  readonly environment: string;
  readonly target: "local";
  readonly kubeconfigs: pulumi.Output<Record<string, string>>;
}

/**
 * The local target for one stack: per Outpost, blue and green pools of app processes behind
 * an HAProxy whose weights follow the deployment state; stack-wide, the config store that
 * carries the release and fingerprint. Fails before registering anything when HAProxy is
 * missing. Injected faults come from the stack config (`localFaults`), nothing else.
 */
export function deployLocalFleet(
  config: FleetConfig,
  options: LocalFleetOptions = {},
): LocalFleetOutputs {
  const runtime = resolveLocalRuntime({ ...options, stack: options.stack ?? pulumi.getStack() });
  const appRuntime = appRuntimeDocument(config);
  // The only reader of the stack-wide release and fingerprint on this target.
  new ConfigStore(`${config.regionGroup}-config`, {
    root: configRoot(config),
    documents: configParameters(config),
    runtime,
    tags: localStackTags(config),
  });
  const sites = config.outposts.map(
    (outpost) =>
      new OutpostSite(outpost.name, { config, outpost, runtime, faults: config.localFaults }),
  );
  const outposts = pulumi
    .all(sites.map((site) => site.outputs))
    .apply((list) => Object.fromEntries(list.map((entry) => [entry.outpost, entry])));
  return {
    outposts,
    release: config.release.version,
    fingerprint: config.fingerprint,
    runtimeFingerprint: appRuntime.fingerprint,
    regionGroup: config.regionGroup,
    environment: config.environment,
    target: "local",
    // No clusters locally; still a secret, like on AWS, so the output's shape never changes.
    kubeconfigs: pulumi.secret(pulumi.output({} as Record<string, string>)),
  };
}
