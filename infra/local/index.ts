/** The local target: the stack contract made of real processes (docs/local-target.md). */
export { deployLocalFleet } from "./fleet";
export type { LocalFleetOptions, LocalFleetOutputs } from "./fleet";
export { OutpostSite } from "./components/outpost-site";
export type { LocalOutpostOutputs, OutpostSiteArgs } from "./components/outpost-site";
export { AppPool } from "./components/app-pool";
export { LoadBalancer } from "./components/load-balancer";
export { CanaryRollout } from "./components/canary-rollout";
export { appPoolProvider } from "./providers/app-pool-provider";
export { balancerProvider } from "./providers/balancer-provider";
