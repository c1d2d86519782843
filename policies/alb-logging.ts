import { ResourceValidationPolicy } from "@pulumi/policy";
import { configBoolean, configStrings } from "./lib/config-values";
import { INGRESS_ANNOTATION, ingressAttributes, isAlbIngress } from "./lib/ingress";
import { validateTypes } from "./lib/policy";
import { asBoolean, asString, at, isUnknown } from "./lib/plain";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

const ATTRIBUTES = `${INGRESS_ANNOTATION}load-balancer-attributes`;

function isApplication(type: unknown): boolean {
  return (type ?? "application") === "application"; // the provider's default
}

/**
 * Every request to an ALB leaves a record (AWS Config's elb-logging-enabled): the EC2 ALBs
 * and the ALBs the controller makes for Ingresses.
 */
export const albAccessLogs: ResourceValidationPolicy = {
  name: POLICY.albAccessLogs,
  description: "Application load balancers, and ALB Ingresses, write access logs to S3.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedBuckets: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Buckets access logs may go to; empty allows any.",
      },
    },
  },
  validateResource: validateTypes([TYPES.loadBalancer, TYPES.ingress], (resource, args, report) => {
    const allowed = configStrings(args.getConfig(), "allowedBuckets");
    const checkBucket = (bucket: string | undefined, where: string) => {
      if (bucket === undefined) report(`${where} names no bucket.`);
      else if (allowed.length > 0 && !allowed.includes(bucket))
        report(`${where} is ${bucket}; allowed: ${allowed.join(", ")}.`);
    };
    const { props } = resource;
    if (resource.type === TYPES.ingress) {
      if (!isAlbIngress(props)) return;
      const attributes = ingressAttributes(props);
      if (attributes === undefined) return;
      if (attributes["access_logs.s3.enabled"] !== "true") {
        report(`is an ALB Ingress without access_logs.s3.enabled=true in ${ATTRIBUTES}.`);
        return;
      }
      checkBucket(attributes["access_logs.s3.bucket"], `access_logs.s3.bucket in ${ATTRIBUTES}`);
      return;
    }
    if (!isApplication(props.loadBalancerType)) return;
    const logs = props.accessLogs;
    if (isUnknown(logs)) return;
    const enabled = at(logs, "enabled");
    if (isUnknown(enabled)) return;
    if (asBoolean(enabled) !== true) {
      report(
        `accessLogs.enabled is ${JSON.stringify(enabled ?? null)}; turn access logs on (accessLogs: {enabled: true, bucket}).`,
      );
      return;
    }
    const bucket = at(logs, "bucket");
    if (!isUnknown(bucket)) checkBucket(asString(bucket), "accessLogs.bucket");
  }),
};

/** A production ALB can't be deleted by a stray call (AWS Config's elb-deletion-protection-enabled). */
export const albDeletionProtection: ResourceValidationPolicy = {
  name: POLICY.albDeletionProtection,
  description:
    "Application load balancers, and ALB Ingresses, have deletion protection on where required.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      required: {
        type: "boolean",
        default: true,
        description:
          "Whether deletion protection is required; the driver sets it from the stack's environment (production).",
      },
    },
  },
  validateResource: validateTypes([TYPES.loadBalancer, TYPES.ingress], (resource, args, report) => {
    if (!configBoolean(args.getConfig(), "required", true)) return;
    const { props } = resource;
    if (resource.type === TYPES.ingress) {
      if (!isAlbIngress(props)) return;
      const attributes = ingressAttributes(props);
      if (attributes !== undefined && attributes["deletion_protection.enabled"] !== "true") {
        report(`is an ALB Ingress without deletion_protection.enabled=true in ${ATTRIBUTES}.`);
      }
      return;
    }
    if (!isApplication(props.loadBalancerType) || isUnknown(props.enableDeletionProtection)) return;
    if (asBoolean(props.enableDeletionProtection) !== true) {
      report(
        `enableDeletionProtection is ${JSON.stringify(props.enableDeletionProtection ?? null)}; set it to true.`,
      );
    }
  }),
};
