import { EnforcementLevel, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { TYPES } from "./types";

/** The object form of a report, which @pulumi/policy accepts besides a plain message. */
interface ViolationInfo {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel: EnforcementLevel;
}

/**
 * Reports an advisory note from a policy whose own level may be mandatory. The typings only
 * show the string form, but the runtime (server.js makeReportViolationFun in @pulumi/policy
 * 1.21) also takes a ViolationInfo and keeps its enforcementLevel: the only way to say
 * "skipped, here is why" without blocking the preview.
 */
export function reportNote(report: ReportViolation, message: string, urn?: string): void {
  const info: ViolationInfo = { message, urn, enforcementLevel: "advisory" };
  (report as unknown as (info: ViolationInfo) => void)(info);
}

export function missingConfigNote(policy: string, keys: readonly string[]): string {
  return (
    `${policy} did not run: its policy config sets no ${keys.join(", ")}. ` +
    "Pass the driver's file with --policy-pack-config (see docs/policies.md)."
  );
}

/**
 * A resource policy without the expectations it needs. It notes that once per preview, on
 * the root stack resource (which every preview analyzes exactly once), and marks itself not
 * applicable to everything else, so a missing config file is visible but not noisy.
 */
export function skipResource(
  args: ResourceValidationArgs,
  report: ReportViolation,
  policy: string,
  keys: readonly string[],
): never {
  if (args.type === TYPES.stack) reportNote(report, missingConfigNote(policy, keys));
  return args.notApplicable(`policy config sets no ${keys.join(", ")}`);
}
