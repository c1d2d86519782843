/** The local target: the stack contract made of real processes (docs/local-target.md). */
export { deployLocalFleet } from "./fleet";
export type { LocalFleetOptions, LocalFleetOutputs } from "./fleet";
export { OutpostSite } from "./components/outpost-site";
export type { LocalOutpostOutputs, OutpostSiteArgs } from "./components/outpost-site";
export { AppPool } from "./components/app-pool";
export { LoadBalancer } from "./components/load-balancer";
export { CanaryRollout } from "./components/canary-rollout";
export { ConfigStore } from "./components/config-store";
export { appPoolProvider } from "./providers/app-pool-provider";
export { balancerProvider } from "./providers/balancer-provider";
export { configStoreProvider } from "./providers/config-store-provider";
export { readColorTrafficStats } from "./haproxy/traffic-stats-reader";
export { serversOfTargetGroups, trafficDelta } from "./haproxy/traffic-figures";
export type {
  ColorTrafficDelta,
  ColorTrafficStats,
  TrafficDelta,
  TrafficFigures,
} from "./haproxy/traffic-figures";
