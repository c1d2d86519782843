import { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { STACK_OUTPUTS } from "../infra/contract";
import { configString } from "./lib/config-values";
import { missingConfigNote, reportNote } from "./lib/notes";
import { localConfigDocuments } from "./lib/local-config-store";
import { asString, isUnknown } from "./lib/plain";
import { FleetResource, fromStack } from "./lib/fleet-resource";
import { TAG, tagsOf, tagValue } from "./lib/resource-tags";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/** One place where the stack states its fingerprint. */
export interface FingerprintCarrier {
  readonly resource: FleetResource;
  readonly source: string;
  /** undefined while unknown during preview. */
  readonly value?: string;
}

/** The SSM parameter, local config store document, stack output or tag that carries a fingerprint. */
export function fingerprintCarriers(resources: readonly FleetResource[]): FingerprintCarrier[] {
  const carriers: FingerprintCarrier[] = [];
  const add = (resource: FleetResource, source: string, value: unknown) => {
    if (value === undefined) return;
    carriers.push({ resource, source, value: isUnknown(value) ? undefined : String(value) });
  };
  for (const resource of resources) {
    const { props } = resource;
    if (resource.type === TYPES.ssmParameter && asString(props.name)?.endsWith("/fingerprint")) {
      add(resource, `SSM parameter ${String(props.name)}`, props.value);
    }
    if (resource.type === TYPES.stack)
      add(resource, `output ${STACK_OUTPUTS.fingerprint}`, props[STACK_OUTPUTS.fingerprint]);
    for (const document of localConfigDocuments(resource)) {
      if (document.path.endsWith("/fingerprint"))
        add(resource, `config store document ${document.path}`, document.value);
    }
    add(resource, `tag ${TAG.fingerprint}`, tagValue(tagsOf(props), TAG.fingerprint));
  }
  return carriers;
}

/**
 * CrossGuard sees one stack at a time, so cross-stack consistency is checked against a
 * value the driver computes once (the release plus the fleet-wide config) and passes to
 * every stack's preview: a stack whose own fingerprint differs has drifted.
 */
export const consistencyFingerprint: StackValidationPolicy = {
  name: POLICY.consistencyFingerprint,
  description:
    "The stack's config fingerprint (release plus fleet-wide config) equals the one the driver expects on every stack.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      expectedFingerprint: {
        type: "string",
        pattern: "^sha256:[0-9a-f]{64}$",
        description: "The fingerprint every stack of this release must carry (sha256:<hex>).",
      },
    },
  },
  validateStack: (args, report) => {
    const expected = configString(args.getConfig(), "expectedFingerprint");
    const carriers = fingerprintCarriers(fromStack(args.resources));
    const known = carriers.filter(
      (c): c is FingerprintCarrier & { value: string } => c.value !== undefined,
    );
    checkAgreement(known, report);
    if (expected === undefined) {
      reportNote(report, missingConfigNote(POLICY.consistencyFingerprint, ["expectedFingerprint"]));
      return;
    }
    if (carriers.length === 0) {
      report(
        "no SSM parameter, config store document, stack output or tag carries this stack's fingerprint, so its config can't be compared " +
          "with the other stacks'.",
      );
      return;
    }
    if (known.length === 0) {
      reportNote(
        report,
        "consistency-fingerprint could not compare: every fingerprint is unknown until the update.",
      );
    }
    for (const carrier of known) {
      if (carrier.value !== expected) {
        report(
          `${carrier.source} is ${carrier.value}, but this release expects ${expected} on every stack: ` +
            "this stack's release or fleet-wide config differs from the others'.",
          carrier.resource.urn,
        );
      }
    }
  },
};

/** Even without an expectation, one stack stating two fingerprints is wrong. */
function checkAgreement(
  known: readonly (FingerprintCarrier & { value: string })[],
  report: ReportViolation,
): void {
  const values = new Set(known.map((c) => c.value));
  if (values.size > 1) {
    report(
      `the stack states ${values.size} different fingerprints: ` +
        known.map((c) => `${c.source} = ${c.value}`).join("; ") +
        ".",
    );
  }
}
