import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { fleetResource, FleetResource } from "./fleet-resource";

export type ResourceCheck = (
  resource: FleetResource,
  args: ResourceValidationArgs,
  report: ReportViolation,
) => void;

/**
 * A resource validation for some type tokens: others are marked not applicable, like
 * validateResourceOfType does for one SDK class. Props arrive as plain data (see toPlain).
 */
export function validateTypes(types: readonly string[], check: ResourceCheck): ResourceValidation {
  return (args, report) => {
    if (!types.includes(args.type))
      return args.notApplicable(`applies to ${types.join(", ")} only`);
    check(fleetResource(args), args, report);
  };
}
