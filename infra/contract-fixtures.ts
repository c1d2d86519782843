/**
 * Stack outputs as the program would publish them, for whatever has no program behind it: the
 * in-memory engine (tests, the bench, --dry-run) builds every Outpost's `outposts` entry here,
 * so its outputs follow the contract (infra/contract.ts) in one place. The values are made up
 * but shaped per target: an AWS Outpost has a service domain, app metrics and alarms; a local
 * one plain http, HAProxy statistics and no alarms. Traffic fields follow the deployment state
 * the way both targets' programs derive them (listenerWeights). Pure.
 */
import type { Color, OutpostDeploymentState, OutpostOutputs, Target } from "./contract";
import { listenerWeights } from "./listener-weights";

export interface OutpostOutputsFixture {
  readonly stack: string;
  readonly outpost: string;
  /** The deployment state the last update applied to this Outpost. */
  readonly state: OutpostDeploymentState;
  readonly target: Target;
  /** The Outpost runs an EKS cluster with the app's Argo Rollout. */
  readonly eks: boolean;
}

/** The `outposts` output entry of one Outpost, per the contract. */
export function outpostOutputsFixture(fixture: OutpostOutputsFixture): OutpostOutputs {
  const { stack, outpost, state, target, eks } = fixture;
  const weights = listenerWeights(state);
  const colors = (of: (color: Color) => string | number) => ({
    blue: of("blue"),
    green: of("green"),
  });
  return {
    outpost,
    endpoint: `http://${outpost}.${stack}.fleet.test`,
    previewEndpoint: `http://${outpost}.${stack}.fleet.test:8443`,
    serviceDomain: target === "aws" ? `shop.${stack}.fleet.test` : null,
    trafficStats:
      target === "aws"
        ? { kind: "app-metrics", namespace: "OutpostFleet/storefront", outpost, periodSeconds: 10 }
        : { kind: "haproxy", socket: `/run/${stack}/${outpost}.sock`, backend: "storefront" },
    activeColor: state.activeColor,
    candidateWeight: state.candidateWeight,
    versions: { blue: state.blueVersion, green: state.greenVersion },
    weights: colors((color) => weights[color]) as Record<Color, number>,
    targetGroups: colors((color) => `${outpost}-${color}`) as Record<Color, string>,
    alarms: target === "aws" ? [`${outpost}-5xx`, `${outpost}-latency`] : [],
    cluster: eks ? `${outpost}-eks` : null,
    rollout: eks
      ? {
          name: "storefront",
          namespace: "storefront",
          version: state.rolloutVersion,
          stableService: "storefront-stable",
          canaryService: "storefront-canary",
          ingressEndpoint: `https://${outpost}-ingress.${stack}.fleet.test`,
        }
      : null,
  };
}
