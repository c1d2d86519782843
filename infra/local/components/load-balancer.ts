import * as pulumi from "@pulumi/pulumi";
import { Color } from "../../contract";
import { HealthCheck } from "../haproxy/haproxy-config";
import { InputsOf, HaproxyBalancer } from "../providers/dynamic-resources";
import { BalancerInputs, BalancerOutputs } from "../providers/balancer-types";
import { LocalRuntime } from "../local-runtime";
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
  /** The production color; the other one is the candidate, the only one the preview reaches. */
  readonly activeColor: Color;
  readonly candidateWeight: number;
  /** What each color runs, from the Outpost's deployment state. */
  readonly versions: Readonly<Record<Color, string>>;
  readonly healthCheck: HealthCheck;
  readonly runtime: LocalRuntime;
  /** Site tags (no Color, no AppVersion): the balancer serves both colors. */
  readonly tags: Tags;
}

/**
 * One Outpost's HAProxy: the local stand-in for the ALB with its weighted listener and its
 * test listener. Its endpoints stay put for the stack's life; flips and canary steps change
 * weights on both frontends through the runtime API.
 */
export class LoadBalancer extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  /** Reaches only the candidate color; 503 while the candidate runs no process. */
  readonly previewEndpoint: pulumi.Output<string>;
  readonly previewBackend: pulumi.Output<string>;
  /** The runtime API socket, where `show stat` gives each server's traffic. */
  readonly socketPath: pulumi.Output<string>;
  readonly servers: pulumi.Output<BalancerOutputs["servers"]>;
  readonly health: pulumi.Output<BalancerOutputs["health"]>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:LoadBalancer", name, {}, opts);
    const inputs: InputsOf<BalancerInputs> = {
      outpost: args.outpost,
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
    };
    const haproxy = new HaproxyBalancer(`${name}-haproxy`, inputs, { parent: this });
    this.endpoint = haproxy.endpoint;
    this.previewEndpoint = haproxy.previewEndpoint;
    this.previewBackend = haproxy.previewBackend;
    this.socketPath = haproxy.socketPath;
    this.servers = haproxy.servers;
    this.health = haproxy.health;
    this.registerOutputs({
      endpoint: this.endpoint,
      previewEndpoint: this.previewEndpoint,
      servers: this.servers,
      health: this.health,
    });
  }
}
