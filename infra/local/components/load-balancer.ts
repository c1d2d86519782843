import * as pulumi from "@pulumi/pulumi";
import { Color } from "../../contract";
import { HealthCheck } from "../haproxy/config";
import { InputsOf, HaproxyBalancer } from "../providers/resources";
import { BalancerInputs, BalancerOutputs } from "../providers/balancer-types";
import { LocalRuntime } from "../runtime";
import { Tags } from "../tags";

export interface LoadBalancerArgs {
  readonly outpost: string;
  /** Backend name in HAProxy: the app's name. */
  readonly backend: string;
  /** Server slots per color, declared up front so pools change without a reload (capacity.max). */
  readonly slotsPerColor: number;
  /** Ports of each color's pool. */
  readonly ports: Readonly<Record<Color, pulumi.Input<number[]>>>;
  /** Traffic share per color, in percent (active: 100 - candidateWeight). */
  readonly weights: Readonly<Record<Color, number>>;
  readonly activeColor: Color;
  readonly candidateWeight: number;
  readonly versions: Readonly<Record<Color, string>>;
  readonly healthCheck: HealthCheck;
  readonly runtime: LocalRuntime;
  readonly tags: Tags;
  /** The stack's config fingerprint, carried for the policy pack. */
  readonly fingerprint: string;
  readonly releaseVersion: string;
}

/**
 * One Outpost's HAProxy: the local stand-in for the ALB and its weighted listener. Its
 * endpoint stays put for the stack's life; flips and canary steps change weights through the
 * runtime API.
 */
export class LoadBalancer extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly servers: pulumi.Output<BalancerOutputs["servers"]>;
  readonly health: pulumi.Output<BalancerOutputs["health"]>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:LoadBalancer", name, {}, opts);
    const inputs: InputsOf<BalancerInputs> = {
      outpost: args.outpost,
      color: args.activeColor,
      version: args.versions[args.activeColor],
      activeColor: args.activeColor,
      candidateWeight: args.candidateWeight,
      versions: args.versions,
      backend: args.backend,
      slotsPerColor: args.slotsPerColor,
      ports: pulumi
        .all([args.ports.blue, args.ports.green])
        .apply(([blue, green]) => ({ blue, green })),
      weights: args.weights,
      healthCheck: args.healthCheck,
      runDir: args.runtime.runDir,
      haproxyBin: args.runtime.haproxyBin,
      tags: args.tags,
      fingerprint: args.fingerprint,
      releaseVersion: args.releaseVersion,
    };
    const haproxy = new HaproxyBalancer(`${name}-haproxy`, inputs, { parent: this });
    this.endpoint = haproxy.endpoint;
    this.servers = haproxy.servers;
    this.health = haproxy.health;
    this.registerOutputs({ endpoint: this.endpoint, servers: this.servers, health: this.health });
  }
}
