import { Policies } from "@pulumi/policy";
import { PackConfig, PackResource, runPack, Violation } from "./run-pack";

/** Runs some policies over resources and returns every report (mandatory and advisory). */
export async function violations(
  policies: Policies,
  resources: readonly PackResource[],
  config: PackConfig = {},
): Promise<Violation[]> {
  return (await runPack(policies, resources, config)).violations;
}

/** The mandatory violations only, as "message @ urn" for compact assertions. */
export async function failures(
  policies: Policies,
  resources: readonly PackResource[],
  config: PackConfig = {},
): Promise<Violation[]> {
  return (await violations(policies, resources, config)).filter((v) => v.level === "mandatory");
}
