/**
 * Entry point of the CrossGuard pack. Constructing a PolicyPack starts the analyzer server
 * the engine talks to, so only this file does it; tests import ./pack instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { fleetPolicies, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./pack";

new PolicyPack(PACK_NAME, {
  policies: fleetPolicies,
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  displayName: "outpost-fleet",
  description:
    "Keeps every Outpost of the fleet on one version, with no config drift between regions and safe defaults.",
  provider: "aws",
  tags: ["outposts", "blue-green", "canary"],
});
