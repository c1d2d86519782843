import { z, ZodIssue } from "zod";
import { ConfigProblem, ConfigValidationError } from "../config/errors";
import { StackLayer } from "../config/load";
import {
  isProviderLayerKey,
  isStackKeyDefault,
  REGION_LAYER_KEY,
  StackKey,
} from "../config/stack-keys";
import { stackKeyProblems } from "../config/stack-layer-keys";
import { SUBNET_ID, VPC_ID } from "../config/patterns";
import { problemsFromIssue } from "../config/zod-problems";

/**
 * The control-plane stack (`outpost-fleet:target: control`, one per fleet): the central
 * pipeline that builds the app image and runs the driver. Its config is the `control` key of
 * its stack file; nothing of the fleet's layers applies to it.
 */
export const CONTROL_TARGET = "control";

/** The Region the control plane lives in (docs/pipeline.md). */
export const CONTROL_REGION = "us-east-1";

/** Stack keys a control stack may set; every other key of the namespace is refused. */
export const CONTROL_STACK_KEYS = ["target", "control"] as const satisfies readonly StackKey[];

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const STACK_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** CodeConnections ARNs; connections made before the rename keep codestar-connections. */
const CONNECTION_ARN =
  /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection\/[0-9a-f-]{36}$/;
/** ECR repository names (ECR API, CreateRepository: repositoryName pattern). */
const ECR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

const days = (max: number) =>
  z
    .number()
    .int("must be a whole number of days")
    .min(1, `must be from 1 to ${max}`)
    .max(max, `must be from 1 to ${max}`);

const branch = z
  .string()
  .regex(/^[A-Za-z0-9._/-]{1,255}$/, "must be a branch name like main")
  .default("main");

/** Where the pipeline takes the source from: a CodeConnections connection, or CodeCommit. */
export const controlSourceSchema = z.discriminatedUnion(
  "kind",
  [
    z
      .object({
        kind: z.literal("codestar-connection"),
        connectionArn: z
          .string()
          .regex(
            CONNECTION_ARN,
            "must be a connection ARN, for example arn:aws:codeconnections:us-east-1:111122223333:connection/01234567-89ab-cdef-0123-456789abcdef",
          ),
        /** `owner/name` of the repository on the provider (GitHub, GitLab, Bitbucket). */
        repository: z
          .string()
          .regex(
            /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
            "must be owner/name, like acme/outpost-fleet",
          ),
        branch,
      })
      .strict(),
    z
      .object({
        kind: z.literal("codecommit"),
        repositoryName: z.string().regex(/^[\w.-]{1,100}$/, "must be a CodeCommit repository name"),
        branch,
      })
      .strict(),
  ],
  { errorMap: () => ({ message: "must be codestar-connection or codecommit" }) },
);

export const controlSettingsSchema = z
  .object({
    /** Prefix of every name (projects, pipeline, buckets, topic). Default outpost-fleet. */
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{2,29}$/, "must be 3-30 lowercase letters, digits and dashes")
      .default("outpost-fleet"),
    /** Every Region of the fleet: the image is replicated to each (EKS pulls in-Region). */
    fleetRegions: z
      .array(z.string().regex(REGION, "must be an AWS region like eu-west-1"))
      .min(1, "must list at least one Region")
      // ECR replicates to at most 25 destinations (ECR User Guide, "Private image replication").
      .max(25, "must list at most 25 Regions"),
    source: controlSourceSchema,
    /** A manual approval action between the staging test and the production deploy. Default true. */
    manualApproval: z.boolean().default(true),
    /** `npm audit --audit-level`: the lowest severity that fails the security scan. Default high. */
    npmAuditLevel: z
      .enum(["low", "moderate", "high", "critical"], {
        message: "must be low, moderate, high or critical",
      })
      .default("high"),
    /** The lowest ECR scan finding severity that fails the security scan. Default HIGH. */
    imageFindingsThreshold: z
      .enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"], {
        message: "must be LOW, MEDIUM, HIGH or CRITICAL",
      })
      .default("HIGH"),
    /** The driver's staging stacks (the Test stage), in wave order. */
    stagingStacks: z
      .array(z.string().regex(STACK_NAME, "must be a stack name like staging-us"))
      .min(1, "must list at least one stack"),
    /** The driver's production stacks (the Deploy stage), in wave order. */
    productionStacks: z
      .array(z.string().regex(STACK_NAME, "must be a stack name like us"))
      .min(1, "must list at least one stack"),
    /** The deploy role of each stack (its region account); the driver may assume exactly these. */
    deployRoles: z.record(
      z.string(),
      z
        .string()
        .regex(
          ROLE_ARN,
          "must be an IAM role ARN, for example arn:aws:iam::111122223333:role/outpost-fleet-deploy-us",
        ),
    ),
    /**
     * Where the deploy and validation projects run: a VPC of the control account whose subnets
     * route to every fleet Region's Outposts (a local cluster's API endpoint is private only, and
     * so are internal ALBs). Required; checked in controlCrossChecks to say why.
     */
    buildNetwork: z
      .object({
        vpcId: z.string().regex(VPC_ID.regex, `must be a VPC id, for example ${VPC_ID.example}`),
        /** Private subnets with NAT (CodeBuild gives a VPC build no public address). */
        subnetIds: z
          .array(
            z
              .string()
              .regex(SUBNET_ID.regex, `must be a subnet id, for example ${SUBNET_ID.example}`),
          )
          .min(1, "must list at least one subnet")
          // CodeBuild takes at most 16 subnets (API reference, VpcConfig).
          .max(16, "must list at most 16 subnets"),
        /**
         * The builds' security groups (the network team's, with the VPC): egress to the AWS APIs,
         * the clusters' endpoints and the ALBs' listeners.
         */
        securityGroupIds: z
          .array(
            z
              .string()
              .regex(
                /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/,
                "must be a security group id, for example sg-0123456789abcdef0",
              ),
          )
          .min(1, "must list at least one security group")
          // CodeBuild takes at most 5 security groups (API reference, VpcConfig).
          .max(5, "must list at most 5 security groups"),
        /** The Regions whose Outpost VPCs these subnets route to (TGW peering, Direct Connect). */
        reaches: z.array(z.string().regex(REGION, "must be an AWS region like eu-west-1")),
      })
      .strict()
      .optional(),
    ecr: z
      .object({
        /** The app image's repository: the path of app.imageRepository. Default storefront. */
        repositoryName: z
          .string()
          .regex(ECR_NAME, "must be an ECR repository name like storefront")
          .default("storefront"),
        /** Release images kept; older ones expire. Default 100. */
        keepReleases: z
          .number()
          .int("must be a whole number")
          .min(1, "must be from 1 to 10000")
          .max(10000, "must be from 1 to 10000")
          .default(100),
        /** Days an untagged image is kept. Default 14. */
        untaggedDays: days(3650).default(14),
        /**
         * basic: ECR's own scan on push; enhanced: Amazon Inspector scans the registry (on
         * push), and the findings' readers need Inspector's permissions too. Default basic.
         */
        scanType: z
          .enum(["basic", "enhanced"], { message: "must be basic or enhanced" })
          .default("basic"),
      })
      .strict()
      .default({}),
    artifacts: z
      .object({
        /** Days a build artifact is kept. Default 90. */
        retentionDays: days(3650).default(90),
      })
      .strict()
      .default({}),
    serverAccessLogs: z
      .object({
        /** Days the artifacts' and state buckets' S3 server access logs are kept. Default 90. */
        retentionDays: days(3650).default(90),
      })
      .strict()
      .default({}),
    state: z
      .object({
        /** Days a replaced version of a state, journal or lock object is kept. Default 90. */
        noncurrentVersionDays: days(3650).default(90),
      })
      .strict()
      .default({}),
  })
  .strict();

export const controlStackSchema = z
  .object({
    target: z.literal(CONTROL_TARGET),
    awsRegion: z.literal(CONTROL_REGION, {
      errorMap: () => ({
        message: `must be ${CONTROL_REGION}: the control plane lives there (docs/pipeline.md)`,
      }),
    }),
    control: controlSettingsSchema,
  })
  .strict();

export type ControlSettings = z.output<typeof controlSettingsSchema>;
export type ControlSource = ControlSettings["source"];

export type BuildNetworkSettings = NonNullable<ControlSettings["buildNetwork"]>;

/** The validated config of a control stack. */
export interface ControlConfig extends Omit<ControlSettings, "buildNetwork"> {
  readonly awsRegion: typeof CONTROL_REGION;
  /** Required: controlCrossChecks refuses a control stack without it. */
  readonly buildNetwork: BuildNetworkSettings;
}

/** Whether a stack layer selects the control plane (`outpost-fleet:target: control`). */
export function isControlStack(stack: StackLayer): boolean {
  return stack.target === CONTROL_TARGET;
}

/** Problems of one zod issue; fleet keys are reported by fleetKeysOnControlStack instead. */
function controlProblems(issue: ZodIssue, layer: unknown): ConfigProblem[] {
  if (issue.code === "unrecognized_keys" && issue.path.length === 0) return [];
  return problemsFromIssue(issue, layer, { docs: "docs/pipeline.md" });
}

/**
 * A fleet stack key (outposts, release, ...) on a control stack is a mistake, named as one;
 * one that holds its Pulumi.yaml default is what the engine hands every stack, and is ignored.
 */
function fleetKeysOnControlStack(stack: StackLayer): ConfigProblem[] {
  return (
    Object.keys(stack)
      // aws:region and aws:assumeRoles are the provider's, on any stack.
      .filter((key) => !isProviderLayerKey(key))
      .filter((key) => !(CONTROL_STACK_KEYS as readonly string[]).includes(key))
      .filter((key) => !isStackKeyDefault(key, stack[key]))
      .map((key) => ({
        key: `outpost-fleet:${key}`,
        value: stack[key],
        allowed: `is not a key of a control stack (target: control); it takes only ${CONTROL_STACK_KEYS.map((k) => `outpost-fleet:${k}`).join(", ")}, aws:region and aws:assumeRoles`,
      }))
  );
}

/** Rules across keys: every stack has exactly one deploy role, and no stack is in both lists. */
export function controlCrossChecks(settings: ControlSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stacks = [...settings.stagingStacks, ...settings.productionStacks];
  const seen = new Set<string>();
  for (const stack of stacks) {
    if (seen.has(stack)) {
      problems.push({
        key: "outpost-fleet:control.productionStacks",
        value: stack,
        allowed: "must be listed once, in stagingStacks or in productionStacks",
      });
    }
    seen.add(stack);
    if (settings.deployRoles[stack] === undefined) {
      problems.push({
        key: `outpost-fleet:control.deployRoles.${stack}`,
        value: undefined,
        allowed: `is required: the deploy role the driver assumes for stack ${stack}`,
      });
    }
  }
  for (const stack of Object.keys(settings.deployRoles)) {
    if (!seen.has(stack)) {
      problems.push({
        key: `outpost-fleet:control.deployRoles.${stack}`,
        value: settings.deployRoles[stack],
        allowed: `names no stack of stagingStacks or productionStacks (${stacks.join(", ")}); remove it, the driver may assume only the roles of its stacks`,
      });
    }
  }
  problems.push(...buildNetworkProblems(settings));
  if (new Set(settings.fleetRegions).size !== settings.fleetRegions.length) {
    problems.push({
      key: "outpost-fleet:control.fleetRegions",
      value: settings.fleetRegions,
      allowed: "must list each Region once",
    });
  }
  return problems;
}

/**
 * The driver's builds reach every fleet Region's private endpoints through the build network,
 * or nothing reaches them: a Region it does not route to has no build network.
 */
function buildNetworkProblems(settings: ControlSettings): ConfigProblem[] {
  const network = settings.buildNetwork;
  if (network === undefined) {
    return [
      {
        key: "outpost-fleet:control.buildNetwork",
        value: undefined,
        allowed:
          "is required: {vpcId, subnetIds, securityGroupIds, reaches}, the VPC the deploy and validation projects run in, whose subnets route to every fleet Region's Outposts (local clusters' API endpoints and internal ALBs are private; docs/pipeline.md, The build network)",
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  const unreached = settings.fleetRegions.filter((region) => !network.reaches.includes(region));
  if (unreached.length > 0) {
    problems.push({
      key: "outpost-fleet:control.buildNetwork.reaches",
      value: network.reaches,
      allowed: `must list every Region of fleetRegions; ${unreached.join(", ")} ${unreached.length === 1 ? "has" : "have"} no build network: route the build subnets to those Regions' Outpost VPCs (Transit Gateway peering, Direct Connect) and list them`,
    });
  }
  if (new Set(network.subnetIds).size !== network.subnetIds.length) {
    problems.push({
      key: "outpost-fleet:control.buildNetwork.subnetIds",
      value: network.subnetIds,
      allowed: "must list each subnet once",
    });
  }
  return problems;
}

/**
 * Validates a control stack's layer and fills defaults. Throws ConfigValidationError listing
 * every problem (key, value, what is allowed); never returns a partial config.
 */
export function loadControlConfig(stack: StackLayer): ControlConfig {
  const problems: ConfigProblem[] = [...stackKeyProblems(stack), ...fleetKeysOnControlStack(stack)];
  const known = Object.fromEntries(
    Object.entries(stack).filter(
      ([key]) =>
        key === REGION_LAYER_KEY || (CONTROL_STACK_KEYS as readonly string[]).includes(key),
    ),
  );
  const parsed = controlStackSchema.safeParse(known);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.flatMap((issue) => controlProblems(issue, known)));
    throw new ConfigValidationError(problems);
  }
  problems.push(...controlCrossChecks(parsed.data.control));
  const { buildNetwork, ...control } = parsed.data.control;
  if (problems.length > 0 || buildNetwork === undefined) throw new ConfigValidationError(problems);
  return { ...control, buildNetwork, awsRegion: parsed.data.awsRegion };
}

/** The pipeline's stacks, staging first: the stacks whose deploy roles the driver assumes. */
export function pipelineStacks(
  config: Pick<ControlSettings, "stagingStacks" | "productionStacks">,
): string[] {
  return [...config.stagingStacks, ...config.productionStacks];
}
