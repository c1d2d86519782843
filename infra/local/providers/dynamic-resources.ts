import * as pulumi from "@pulumi/pulumi";
import { appPoolProvider } from "./app-pool-provider";
import { balancerProvider } from "./balancer-provider";
import { configStoreProvider } from "./config-store-provider";
import { ConfigStoreInputs } from "./config-store-types";
import { AppPoolInputs, AppProcess } from "./pool-types";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

/*
 * The dynamic resources keep Pulumi's default type, `pulumi-nodejs:dynamic:Resource`, which
 * the policy pack selects on; the components around them carry the descriptive type tokens.
 */

export type InputsOf<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** The processes of one pool (dynamic resource; see app-pool-provider.ts). */
export class AppProcesses extends pulumi.dynamic.Resource {
  declare readonly processes: pulumi.Output<AppProcess[]>;
  declare readonly ports: pulumi.Output<number[]>;

  constructor(name: string, args: InputsOf<AppPoolInputs>, opts?: pulumi.CustomResourceOptions) {
    super(appPoolProvider, name, { ...args, processes: undefined, ports: undefined }, opts);
  }
}

/** One Outpost's HAProxy (dynamic resource; see balancer-provider.ts). */
export class HaproxyBalancer extends pulumi.dynamic.Resource {
  declare readonly frontendPort: pulumi.Output<number>;
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly previewEndpoint: pulumi.Output<string>;
  declare readonly previewBackend: pulumi.Output<string>;
  declare readonly pid: pulumi.Output<number>;
  declare readonly socketPath: pulumi.Output<string>;
  declare readonly servers: pulumi.Output<BalancerOutputs["servers"]>;
  declare readonly applied: pulumi.Output<AppliedSlot[]>;
  declare readonly health: pulumi.Output<BalancerOutputs["health"]>;

  constructor(name: string, args: InputsOf<BalancerInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      balancerProvider,
      name,
      {
        ...args,
        frontendPort: undefined,
        endpoint: undefined,
        previewPort: undefined,
        previewEndpoint: undefined,
        previewBackend: undefined,
        pid: undefined,
        socketPath: undefined,
        servers: undefined,
        applied: undefined,
        previewApplied: undefined,
        health: undefined,
      },
      opts,
    );
  }
}

/** The stack's config documents as files (dynamic resource; see config-store-provider.ts). */
export class ConfigDocuments extends pulumi.dynamic.Resource {
  declare readonly documents: pulumi.Output<Record<string, string>>;
  declare readonly storeDir: pulumi.Output<string>;

  constructor(
    name: string,
    args: InputsOf<ConfigStoreInputs>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(configStoreProvider, name, { ...args }, opts);
  }
}
