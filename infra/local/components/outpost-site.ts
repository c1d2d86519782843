import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS, OutpostOutputs } from "../../contract";
import { FleetConfig, OutpostConfig } from "../../config";
import { listenerWeights, versionOf } from "../../traffic";
import { FaultsByVersion, faultsFor } from "../faults";
import { localHealthCheck } from "../health-check";
import { LocalRuntime } from "../runtime";
import { poolSize } from "../sizing";
import { localTags } from "../tags";
import { AppPool } from "./app-pool";
import { CanaryRollout } from "./canary-rollout";
import { LoadBalancer } from "./load-balancer";

export interface OutpostSiteArgs {
  readonly config: FleetConfig;
  readonly outpost: OutpostConfig;
  readonly runtime: LocalRuntime;
  /** Injected faults by app version. Default: none. */
  readonly faults?: FaultsByVersion;
}

/** OutpostOutputs plus the balancer's view of server health, cheap to report locally. */
export interface LocalOutpostOutputs extends OutpostOutputs {
  readonly health: Readonly<Record<Color, { readonly up: number; readonly total: number }>>;
}

/** One Outpost on the local target: a blue and a green pool behind one HAProxy. */
export class OutpostSite extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<LocalOutpostOutputs>;

  constructor(name: string, args: OutpostSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:OutpostSite", name, {}, opts);
    const { config, outpost, runtime } = args;
    const o = outpost.name;
    const state = config.deployment[o];
    const weights = listenerWeights(state);
    const versions = { blue: versionOf(state, "blue"), green: versionOf(state, "green") };

    const pools = Object.fromEntries(
      COLORS.map((color) => {
        const version = versions[color];
        const pool = new AppPool(
          `${o}-${color}`,
          {
            outpost: o,
            color,
            version,
            count: poolSize(state, color, outpost.capacity),
            readyPath: config.app.readyPath,
            runtime,
            tags: localTags(config, o, color, version),
            faults: faultsFor(args.faults ?? {}, version),
          },
          { parent: this },
        );
        return [color, pool];
      }),
    ) as Record<Color, AppPool>;

    if (poolSize(state, state.activeColor, outpost.capacity) === 0) {
      void pulumi.log.warn(
        `${o}: the active color ${state.activeColor} runs no process (capacity.desired is 0); ` +
          `its endpoint will answer 503`,
        this,
      );
    }

    const balancer = new LoadBalancer(
      `${o}-lb`,
      {
        outpost: o,
        backend: config.app.name,
        slotsPerColor: outpost.capacity.max,
        ports: { blue: pools.blue.ports, green: pools.green.ports },
        weights,
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions,
        healthCheck: localHealthCheck(config),
        runtime,
        tags: localTags(config, o, state.activeColor, versions[state.activeColor]),
        fingerprint: config.fingerprint,
        releaseVersion: config.release.version,
      },
      { parent: this },
    );

    const rollout = config.eks.enabled
      ? new CanaryRollout(
          `${o}-canary`,
          { appName: config.app.name, outpost: o, state, canarySteps: config.eks.canarySteps },
          { parent: this },
        )
      : undefined;

    this.outputs = pulumi
      .all([balancer.endpoint, balancer.servers, balancer.health])
      .apply(([endpoint, servers, health]) => ({
        outpost: o,
        endpoint,
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions,
        weights,
        targetGroups: { blue: servers.blue.join(","), green: servers.green.join(",") },
        alarms: [],
        cluster: null,
        rollout: rollout ? { name: rollout.rolloutName, namespace: rollout.namespace } : null,
        health,
      }));
    this.registerOutputs({ outputs: this.outputs });
  }
}
