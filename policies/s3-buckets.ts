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
          "Require aws:kms (ELB access-log buckets support only AES256, so keep false for them; buckets that receive S3 server access logs, which S3 delivers to SSE-S3 buckets only, are exempt).",
      },
    },
  },
  validateStack: (args, report) => {
    const requireKms = configBoolean(args.getConfig(), "requireKms", false);
    const logTargets = serverAccessLogTargets(args.resources);
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
          else if (requireKms && name === "AES256" && !logTargets.has(bucket.urn))
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

/**
 * Where a logging sends its bucket's access logs: a bucket of the stack (by name, or by the
 * engine's record that targetBucket depends on it), a name of no bucket here, or unknown yet.
 */
function targetOf(
  logging: FleetResource,
  resources: readonly PolicyResource[],
  buckets: readonly FleetResource[],
): FleetResource | string | undefined {
  const dependsOn =
    resources.find((r) => r.urn === logging.urn)?.propertyDependencies?.targetBucket ?? [];
  const byDependency = buckets.find((b) => dependsOn.some((d) => d.urn === b.urn));
  if (byDependency) return byDependency;
  const name = logging.props.targetBucket;
  if (isUnknown(name) || asString(name) === undefined) return undefined;
  return buckets.find((b) => asString(b.props.bucket) === asString(name)) ?? asString(name);
}

/** URNs of the buckets that receive another bucket's server access logs. */
function serverAccessLogTargets(resources: readonly PolicyResource[]): Set<string> {
  const buckets = fromStack(resources).filter((r) => r.type === TYPES.bucket);
  return new Set(
    (companions(resources, TYPES.bucketLogging) ?? []).flatMap(({ bucket, found }) =>
      found.flatMap((logging) => {
        const target = targetOf(logging, resources, buckets);
        return typeof target === "object" && target.urn !== bucket.urn ? [target.urn] : [];
      }),
    ),
  );
}

/**
 * Every bucket logs its requests (S3 server access logging) into a log bucket of the stack
 * (AWSGuard's s3-bucket-logging-enabled, AWS Config's s3-bucket-logging-enabled, Security Hub
 * S3.9), and a bucket that receives access logs logs nowhere itself: S3 advises against it, and
 * into itself it loops (S3 User Guide, "Enabling Amazon S3 server access logging").
 */
export const s3BucketLogging: StackValidationPolicy = {
  name: POLICY.s3BucketLogging,
  description:
    "Every S3 bucket logs its requests into an access-log bucket of the stack; that bucket logs nowhere.",
  enforcementLevel: "mandatory",
  validateStack: (args, report: ReportViolation) => {
    const buckets = fromStack(args.resources).filter((r) => r.type === TYPES.bucket);
    const found = (companions(args.resources, TYPES.bucketLogging) ?? []).map(
      ({ bucket, found: loggings }) => ({
        bucket,
        loggings: loggings.map((logging) => ({
          logging,
          target: targetOf(logging, args.resources, buckets),
        })),
      }),
    );
    const isSelf = (bucket: FleetResource, target: FleetResource | string | undefined) =>
      typeof target === "object" && target.urn === bucket.urn;
    const receivers = serverAccessLogTargets(args.resources);
    for (const { bucket, loggings } of found) {
      if (receivers.has(bucket.urn)) {
        if (loggings.length > 0)
          report(
            `bucket ${bucket.name} receives server access logs and logs its own requests too; a log bucket's access logs loop, leave its logging off.`,
            bucket.urn,
          );
        continue;
      }
      if (loggings.length === 0) {
        if (!unknownName(bucket))
          report(
            `bucket ${bucket.name} has no server access logging; log its requests into the Region's access-log bucket (an ${TYPES.bucketLogging} with a targetBucket).`,
            bucket.urn,
          );
        continue;
      }
      for (const { logging, target } of loggings) {
        if (isSelf(bucket, target))
          report(
            `bucket ${bucket.name} logs its requests into itself, which loops; log into the Region's access-log bucket.`,
            logging.urn,
          );
        else if (typeof target === "string")
          report(
            `bucket ${bucket.name} logs into ${JSON.stringify(target)}, which is no bucket of this stack; the access-log bucket must be one the stack makes, in its Region and account.`,
            logging.urn,
          );
      }
    }
  },
};
