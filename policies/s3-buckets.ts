import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { configBoolean } from "./lib/config-values";
import { asArray, asBoolean, asString, at, isUnknown, PlainRecord } from "./lib/plain";
import { FleetResource, fromStack } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/**
 * A bucket and the separate resources that configure it (provider v7 splits encryption,
 * public-access block and policy out of the bucket). A companion belongs to a bucket when its
 * `bucket` names it, or when the engine records that `bucket` depends on it.
 */
function companions(
  resources: readonly PolicyResource[],
  type: string,
): { bucket: FleetResource; found: FleetResource[] }[] | undefined {
  const plain = fromStack(resources);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const buckets = plain.filter((r) => r.type === TYPES.bucket);
  const candidates = plain.filter((r) => r.type === type);
  return buckets.map((bucket) => {
    const name = asString(bucket.props.bucket);
    const found = candidates.filter((c) => {
      const dependsOn = byUrn.get(c.urn)?.propertyDependencies?.bucket ?? [];
      if (dependsOn.some((d) => d.urn === bucket.urn)) return true;
      return name !== undefined && asString(c.props.bucket) === name;
    });
    return { bucket, found };
  });
}

function unknownName(bucket: FleetResource): boolean {
  return isUnknown(bucket.props.bucket);
}

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/** Objects at rest are encrypted (AWSGuard's and AWS Config's s3 encryption rules). */
export const s3BucketEncryption: StackValidationPolicy = {
  name: POLICY.s3BucketEncryption,
  description: "Every S3 bucket has default server-side encryption.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireKms: {
        type: "boolean",
        default: false,
        description:
          "Require aws:kms (ELB access-log buckets support only AES256, so keep false for them).",
      },
    },
  },
  validateStack: (args, report) => {
    const requireKms = configBoolean(args.getConfig(), "requireKms", false);
    for (const { bucket, found } of companions(args.resources, TYPES.bucketEncryption) ?? []) {
      if (found.length === 0) {
        if (!unknownName(bucket))
          report(`bucket ${bucket.name} has no server-side encryption configuration.`, bucket.urn);
        continue;
      }
      for (const config of found) {
        for (const rule of asArray(config.props.rules)) {
          const algorithm = at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm");
          if (isUnknown(algorithm)) continue;
          const name = asString(algorithm);
          if (name === undefined || !ALGORITHMS.includes(name))
            report(
              `bucket ${bucket.name} encrypts with ${JSON.stringify(name ?? null)}; use ${ALGORITHMS.join(", ")}.`,
              config.urn,
            );
          else if (requireKms && name === "AES256")
            report(
              `bucket ${bucket.name} encrypts with AES256; this fleet requires aws:kms.`,
              config.urn,
            );
        }
      }
    }
  },
};

const BLOCKS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

/** No bucket of the fleet can ever be made public. */
export const s3PublicAccessBlock: StackValidationPolicy = {
  name: POLICY.s3PublicAccessBlock,
  description: "Every S3 bucket blocks all public access.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const { bucket, found } of companions(args.resources, TYPES.bucketPublicAccessBlock) ??
      []) {
      if (found.length === 0) {
        if (!unknownName(bucket))
          report(`bucket ${bucket.name} has no public access block.`, bucket.urn);
        continue;
      }
      for (const block of found) {
        const open = BLOCKS.filter(
          (key) => !isUnknown(block.props[key]) && asBoolean(block.props[key]) !== true,
        );
        if (open.length > 0)
          report(
            `bucket ${bucket.name}'s public access block leaves ${open.join(", ")} off; set all four to true.`,
            block.urn,
          );
      }
    }
  },
};

function deniesInsecureTransport(policy: unknown): boolean {
  let document: unknown = policy;
  if (typeof policy === "string") {
    try {
      document = JSON.parse(policy) as unknown;
    } catch {
      return false;
    }
  }
  return asArray(at(document, "Statement")).some((statement) => {
    const s = statement as PlainRecord;
    const condition = at(s, "Condition", "Bool", "aws:SecureTransport");
    return s.Effect === "Deny" && (condition === "false" || condition === false);
  });
}

/** Requests without TLS are refused, whoever makes them (AWS Config's s3-bucket-ssl-requests-only). */
export const s3TlsOnly: StackValidationPolicy = {
  name: POLICY.s3TlsOnly,
  description: "Every S3 bucket's policy denies requests that do not use TLS.",
  enforcementLevel: "mandatory",
  validateStack: (args, report: ReportViolation) => {
    for (const { bucket, found } of companions(args.resources, TYPES.bucketPolicy) ?? []) {
      if (found.some((p) => isUnknown(p.props.policy))) continue;
      if (!found.some((p) => deniesInsecureTransport(p.props.policy)) && !unknownName(bucket)) {
        report(
          `bucket ${bucket.name} has no policy that denies requests without TLS (Deny with Condition Bool aws:SecureTransport "false").`,
          bucket.urn,
        );
      }
    }
  },
};
