import * as pulumi from "@pulumi/pulumi";
import { Color, COLORS, OutpostOutputs, SITE_COMPONENT_TYPES } from "../../contract";
import { appRuntimeSettings, canonicalJson, FleetConfig, OutpostConfig } from "../../config";
import { listenerWeights, versionOf } from "../../listener-weights";
import { FaultsByVersion, faultsFor } from "../local-faults";
import { localHealthCheck } from "../health-check";
import { LocalRuntime } from "../local-runtime";
import { poolSize } from "../sizing";
import { localColorTags, localSiteTags } from "../tags";
import { AppPool } from "./app-pool";
import { CanaryRollout } from "./canary-rollout";
import { LoadBalancer } from "./load-balancer";

export interface OutpostSiteArgs {
  readonly config: FleetConfig;
  readonly outpost: OutpostConfig;
  readonly runtime: LocalRuntime;
  /** Injected faults by app version (stack config `localFaults`). Default: none. */
  readonly faults?: FaultsByVersion;
}

/** OutpostOutputs plus the balancer's view of server health, cheap to report locally. */
export interface LocalOutpostOutputs extends OutpostOutputs {
  readonly trafficStats: Extract<OutpostOutputs["trafficStats"], { kind: "haproxy" }>;
  readonly health: Readonly<Record<Color, { readonly up: number; readonly total: number }>>;
}

/**
 * One Outpost on the local target: a blue and a green pool behind one HAProxy, whose preview
 * frontend reaches only the candidate. Every version here comes from the Outpost's own
 * deployment state, so a targeted `up` of this site (its URN and descendants) is complete.
 */
export class OutpostSite extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<LocalOutpostOutputs>;

  constructor(name: string, args: OutpostSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SITE_COMPONENT_TYPES.local, name, {}, opts);
    const { config, outpost, runtime } = args;
    const o = outpost.name;
    const state = config.deployment[o];
    const weights = listenerWeights(state);
    const versions = { blue: versionOf(state, "blue"), green: versionOf(state, "green") };
    // Canonical, so the pool's input changes only when a setting does.
    const runtimeSettings = canonicalJson(appRuntimeSettings(config));

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
            tags: localColorTags(config, o, color, version),
            faults: faultsFor(args.faults ?? {}, version),
            runtimeSettings,
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
        tags: localSiteTags(config, o),
      },
      { parent: this },
    );

    const rollout = config.eks.enabled
      ? new CanaryRollout(
          `${o}-canary`,
          {
            appName: config.app.name,
            outpost: o,
            state,
            canarySteps: config.eks.canarySteps,
            servers: balancer.servers,
            endpoint: balancer.endpoint,
          },
          { parent: this },
        ).outputs
      : pulumi.output(null);

    this.outputs = pulumi
      .all([
        balancer.endpoint,
        balancer.previewEndpoint,
        balancer.socketPath,
        balancer.servers,
        balancer.health,
        rollout,
      ])
      .apply(([endpoint, previewEndpoint, socket, servers, health, rolloutOutputs]) => ({
        outpost: o,
        endpoint,
        previewEndpoint,
        // Plain http on loopback: no certificate to name.
        serviceDomain: null,
        trafficStats: { kind: "haproxy" as const, socket, backend: config.app.name },
        activeColor: state.activeColor,
        candidateWeight: state.candidateWeight,
        versions,
        weights,
        targetGroups: { blue: servers.blue.join(","), green: servers.green.join(",") },
        alarms: [],
        cluster: null,
        rollout: rolloutOutputs,
        health,
      }));
    this.registerOutputs({ outputs: this.outputs });
  }
}
