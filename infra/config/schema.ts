import { z } from "zod";
import { FEATURE_FLAG_NAME, RUNTIME_SETTING_LIMITS } from "../../app/runtime-settings";
import { COLORS } from "../contract";
import { ALB_TLS_POLICIES } from "./aws-catalog";
import {
  ACM_CERTIFICATE_ARN,
  COIP_POOL,
  IdPattern,
  INSTANCE_TYPE,
  OUTPOST_ARN,
  OUTPOST_NAME,
  SEMVER,
  SERVICE_DOMAIN,
  SUBNET_ID,
  VPC_ID,
} from "./patterns";

/** A string matching one of our id patterns; the message carries the allowed shape. */
function matching(pattern: IdPattern, what: string) {
  return z.string().regex(pattern.regex, `must be ${what}, for example ${pattern.example}`);
}

const semver = () => matching(SEMVER, "a semantic version");
const percent = z
  .number()
  .int("must be a whole number from 0 to 100")
  .min(0, "must be from 0 to 100")
  .max(100, "must be from 0 to 100");
const positiveInt = z.number().int("must be a whole number").positive("must be above 0");

export const capacitySchema = z
  .object({
    min: z.number().int().min(0, "must be 0 or more"),
    desired: z.number().int().min(0, "must be 0 or more"),
    max: positiveInt,
    /** Hard ceiling of instances this app may hold on the Outpost, both colors together. */
    maxInstances: positiveInt,
  })
  .strict();

export const outpostSchema = z
  .object({
    name: matching(OUTPOST_NAME, "lowercase letters, digits and dashes (3-32 chars)"),
    arn: matching(OUTPOST_ARN, "an Outpost ARN"),
    availabilityZone: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an AZ like us-east-1a"),
    subnetId: matching(SUBNET_ID, "a subnet id"),
    vpcId: matching(VPC_ID, "a VPC id"),
    instanceTypes: z
      .array(matching(INSTANCE_TYPE, "an EC2 instance type"))
      .min(1, "must list at least one instance type"),
    instanceType: matching(INSTANCE_TYPE, "an EC2 instance type"),
    capacity: capacitySchema,
    /** Override of eks.clusterKind for this Outpost. */
    clusterKind: z.enum(["local", "extended"], { message: "must be local or extended" }).optional(),
    /** In-region subnets (two AZs) for an extended cluster's control plane. */
    regionSubnetIds: z.array(matching(SUBNET_ID, "a subnet id")).optional(),
    /**
     * The Outpost's customer-owned IP pool: the addresses an internet-facing ALB takes on the
     * on-premises network (required when loadBalancer.scheme is internet-facing).
     */
    customerOwnedIpv4Pool: matching(COIP_POOL, "a customer-owned IP pool id").optional(),
  })
  .strict();

export const deploymentStateSchema = z
  .object({
    blueVersion: semver(),
    greenVersion: semver(),
    activeColor: z.enum(COLORS, { message: "must be blue or green" }),
    candidateWeight: percent,
    idleWarm: z.boolean(),
    rolloutVersion: semver().optional(),
  })
  .strict();

const canaryStepSchema = z.union([
  z.object({ setWeight: percent }).strict(),
  z
    .object({
      pause: z
        .object({
          duration: z
            .string()
            .regex(/^\d+[smh]$/, "must be like 30s, 2m or 1h")
            .optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ analysis: z.literal(true) }).strict(),
  // The canary's pods at a share of spec.replicas, whatever the traffic weight, until the end
  // of the steps (Argo Rollouts, canary strategy, "Setting Canary Scale":
  // https://argoproj.github.io/argo-rollouts/features/canary/).
  z.object({ setCanaryScale: z.object({ weight: percent }).strict() }).strict(),
]);

export const appSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, "must be lowercase letters, digits and dashes"),
    port: z
      .number()
      .int()
      .min(1024, "must be from 1024 to 65535")
      .max(65535, "must be from 1024 to 65535"),
    healthPath: z.string().startsWith("/", "must start with /"),
    readyPath: z.string().startsWith("/", "must start with /"),
    versionPath: z.string().startsWith("/", "must start with /"),
    imageRepository: z.string().min(1),
    amiNamePrefix: z.string().min(1),
    amiOwner: z
      .string()
      .regex(/^(\d{12}|self|amazon)$/, "must be a 12-digit account id, self or amazon"),
  })
  .strict();

export const loadBalancerSchema = z
  .object({
    deregistrationDelaySeconds: z
      .number()
      .int()
      .min(0, "must be from 0 to 3600")
      .max(3600, "must be from 0 to 3600"),
    idleTimeoutSeconds: z.number().int().min(1).max(4000),
    sslPolicy: z
      .string()
      .refine(
        (name) => ALB_TLS_POLICIES.includes(name),
        "must be one of ELB's security policies for ALBs, for example ELBSecurityPolicy-TLS13-1-2-2021-06 (list: infra/config/aws-catalog.ts)",
      ),
    /** internet-facing: reachable on the on-premises network through the CoIP pool; internal: VPC only. */
    scheme: z.enum(["internal", "internet-facing"], {
      message: "must be internal or internet-facing",
    }),
    /** Port of the test listener that reaches only the candidate color (issue: preview path). */
    testListenerPort: z
      .number()
      .int("must be a whole number from 1 to 65535")
      .min(1, "must be from 1 to 65535")
      .max(65535, "must be from 1 to 65535")
      .refine((port) => port !== 80 && port !== 443, "must not be 80 or 443 (the main listeners)"),
    /** On in production (environment layer): an ALB can't be deleted by accident. */
    deletionProtection: z.boolean(),
    accessLogs: z
      .object({
        enabled: z.boolean(),
        /** Days the region's log bucket keeps access logs before they expire. */
        retentionDays: z
          .number()
          .int("must be a whole number of days")
          .min(1, "must be from 1 to 3650")
          .max(3650, "must be from 1 to 3650"),
      })
      .strict(),
    healthCheck: z
      .object({
        intervalSeconds: z
          .number()
          .int()
          .min(5, "must be from 5 to 300")
          .max(300, "must be from 5 to 300"),
        timeoutSeconds: z
          .number()
          .int()
          .min(2, "must be from 2 to 120")
          .max(120, "must be from 2 to 120"),
        healthyThreshold: z
          .number()
          .int()
          .min(2, "must be from 2 to 10")
          .max(10, "must be from 2 to 10"),
        unhealthyThreshold: z
          .number()
          .int()
          .min(2, "must be from 2 to 10")
          .max(10, "must be from 2 to 10"),
      })
      .strict(),
  })
  .strict();

export const eksSchema = z
  .object({
    enabled: z.boolean(),
    clusterKind: z.enum(["local", "extended"], { message: "must be local or extended" }),
    kubernetesVersion: z.string().regex(/^1\.\d+$/, "must be like 1.31"),
    controlPlaneInstanceType: matching(INSTANCE_TYPE, "an EC2 instance type"),
    nodeAmiSsmParameter: z.string().startsWith("/", "must be an SSM parameter path"),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name"),
    argoRolloutsChartVersion: semver(),
    albControllerChartVersion: semver(),
    replicas: positiveInt,
    resources: z
      .object({
        cpuRequest: z.string().regex(/^\d+(\.\d+)?m?$/, "must be a CPU quantity like 500m or 1"),
        memoryRequest: z.string().regex(/^\d+(Mi|Gi)$/, "must be a memory quantity like 512Mi"),
        cpuLimit: z.string().regex(/^\d+(\.\d+)?m?$/, "must be a CPU quantity like 500m or 1"),
        memoryLimit: z.string().regex(/^\d+(Mi|Gi)$/, "must be a memory quantity like 1Gi"),
      })
      .strict(),
    canarySteps: z.array(canaryStepSchema).min(1, "must have at least one step"),
  })
  .strict();

export const regionSchema = z
  .object({
    databaseEndpoint: z.string().min(1),
    cacheEndpoint: z.string().min(1),
    /** Open list: a region layer names its own regime (SOX, GDPR, PDPA, LGPD, ...). */
    complianceMode: z
      .string()
      .regex(/^[A-Z][A-Z0-9-]{1,15}$/, "must be an upper-case regime name like SOX, GDPR or LGPD"),
    dataResidency: z
      .string()
      .regex(/^[a-z]{2,4}$/, "must be a short region code like us, eu or sg"),
  })
  .strict();

export const environmentSettingsSchema = z
  .object({
    logLevel: z.enum(["debug", "info", "warn", "error"], {
      message: "must be debug, info, warn or error",
    }),
    monitoringLevel: z.enum(["enhanced", "basic"], { message: "must be enhanced or basic" }),
  })
  .strict();

/** A whole number within one of the app's own limits (app/runtime-settings.ts). */
function settingIn(key: keyof typeof RUNTIME_SETTING_LIMITS) {
  const [min, max] = RUNTIME_SETTING_LIMITS[key];
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
}

/**
 * Settings the app reads at run time (docs/configuration.md): published with the log level and
 * the region's compliance data as the app's runtime document (infra/config/app-runtime-settings.ts).
 */
export const appSettingsSchema = z
  .object({
    databasePoolSize: settingIn("databasePoolSize"),
    cacheTtlSeconds: settingIn("cacheTtlSeconds"),
    apiTimeoutMs: settingIn("apiTimeoutMs"),
    /** Open map: a layer may add a flag without a schema change. */
    featureFlags: z.record(
      z
        .string()
        .regex(FEATURE_FLAG_NAME, "must be a camelCase flag name (letters and digits, up to 64)"),
      z.boolean({ message: "must be true or false" }),
    ),
  })
  .strict();

export const monitoringSchema = z
  .object({
    latencyThresholdSeconds: z.number().positive("must be above 0"),
    error5xxThreshold: positiveInt,
    evaluationPeriods: positiveInt,
  })
  .strict();

/**
 * Faults the local target injects into every process of one app version (docs/local-target.md):
 * a bad release that looks alive (health and readiness never fail) but fails real requests.
 */
export const localFaultSchema = z
  .object({
    /** Share of non-probe requests answered with 500. Default 0. */
    errorRate: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").default(0),
    /** Delay added to every non-probe request. Default 0. */
    latencyMs: z
      .number()
      .refine(Number.isInteger, "must be a whole number of ms")
      .refine((ms) => ms >= 0, "must be a whole number of ms, 0 or more")
      .default(0),
    /**
     * The only request paths that fail or slow down (exact match), e.g. ["/"]: a release that is
     * healthy on the probes and /version but broken on the storefront's own route. Default: every
     * non-probe path.
     */
    paths: z
      .array(z.string().regex(/^\/\S*$/, "must be a request path starting with /, no spaces"))
      .min(1, "must name at least one path; leave the key out for every path")
      .optional(),
    /**
     * Request paths (exact match) answered 200 with well-formed but wrong data, e.g.
     * ["/api/products"] lists no products: "healthy but wrong", which status codes never show.
     */
    brokenPaths: z
      .array(z.string().regex(/^\/\S*$/, "must be a request path starting with /, no spaces"))
      .min(1, "must name at least one path; leave the key out for none")
      .optional(),
  })
  .strict();

/** An IAM role ARN in any partition (IAM User Guide, "IAM identifiers", ARNs). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * One role of the AWS provider's `aws:assumeRoles` (@pulumi/aws, config.AssumeRoles). Only the
 * fields the program reads are checked; the provider validates the rest of its own keys.
 */
export const assumeRoleSchema = z
  .object({
    roleArn: z
      .string()
      .regex(
        ROLE_ARN,
        "must be an IAM role ARN, for example arn:aws:iam::111122223333:role/deploy",
      ),
    sessionName: z.string().optional(),
    externalId: z.string().optional(),
  })
  .passthrough();

/** The merged configuration of one stack, after all layers. */
export const fleetConfigSchema = z
  .object({
    target: z.enum(["aws", "local"], { message: "must be aws or local" }),
    regionGroup: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, "must be lowercase letters, digits and dashes"),
    awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like us-east-1"),
    /** `aws:assumeRoles`: the roles the provider assumes, in order; none means its own credentials. */
    awsAssumeRoles: z.array(assumeRoleSchema).default([]),
    environment: z.enum(["production", "staging"], { message: "must be production or staging" }),
    certificateArn: matching(ACM_CERTIFICATE_ARN, "an ACM certificate ARN"),
    /** The name clients use, which the certificate names; aws only (checks/service-domain-check.ts). */
    serviceDomain: matching(SERVICE_DOMAIN, "a DNS name in lower case (no wildcard)").optional(),
    release: z.object({ version: semver() }).strict(),
    outposts: z.array(outpostSchema).min(1, "must list at least one Outpost"),
    deployment: z.record(z.string(), deploymentStateSchema).default({}),
    /** Outposts of one stack share one VPC unless this says otherwise, explicitly. */
    allowMultipleVpcs: z.boolean().default(false),
    app: appSchema,
    loadBalancer: loadBalancerSchema,
    eks: eksSchema,
    region: regionSchema,
    environmentSettings: environmentSettingsSchema,
    appSettings: appSettingsSchema,
    monitoring: monitoringSchema,
    configStore: z
      .object({
        ssmPathPrefix: z
          .string()
          .regex(/^(\/[A-Za-z0-9_.-]+)+$/, "must be an SSM path like /outpost-fleet"),
      })
      .strict(),
    secretNames: z.array(
      z.string().regex(/^[a-z][a-z0-9-]*$/, "must be lowercase letters, digits and dashes"),
    ),
    /** Local target only: injected faults keyed by app version. */
    localFaults: z.record(semver(), localFaultSchema).default({}),
  })
  .strict();

export type FleetConfigInput = z.input<typeof fleetConfigSchema>;
export type ParsedFleetConfig = z.output<typeof fleetConfigSchema>;
export type OutpostConfig = z.output<typeof outpostSchema>;
export type CanaryStepConfig = z.output<typeof canaryStepSchema>;
export type AppSettingsConfig = z.output<typeof appSettingsSchema>;
export type LocalFaultConfig = z.output<typeof localFaultSchema>;
