import * as pulumi from "@pulumi/pulumi";
import { appPoolProvider } from "./app-pool-provider";
import { balancerProvider } from "./balancer-provider";
import { AppPoolInputs, AppProcess } from "./pool-types";
import { AppliedSlot, BalancerInputs, BalancerOutputs } from "./balancer-types";

/*
 * Both dynamic resources keep Pulumi's default type, `pulumi-nodejs:dynamic:Resource`, which
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
  declare readonly pid: pulumi.Output<number>;
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
        pid: undefined,
        servers: undefined,
        applied: undefined,
        health: undefined,
      },
      opts,
    );
  }
}
