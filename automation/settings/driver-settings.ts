import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { type Concurrency, parseConcurrency } from "../plan/concurrency";
import { ROLLBACK_SCOPES, type RollbackScope } from "../plan/plan-types";
import { validateTrafficSteps } from "../plan/traffic-steps";
import {
  type NotificationSettings,
  notificationSettingsSchema,
} from "../notify/notification-settings";
import { UserError } from "../support/user-error";
import { assertGatesCanDecide } from "./evidence-reach";
import { type FreezeWindow, freezeWindowSchema } from "./freeze-windows";
import { type StagingTestSettings, stagingTestsSchema } from "./staging-test-settings";

/** Default location of the driver's own settings (rollout policy, not stack config). */
export const DEFAULT_SETTINGS_FILE = path.resolve(__dirname, "..", "driver.yaml");

const seconds = z.number().min(0, "must be 0 or more seconds");
const trafficSteps = z.array(z.number().int()).min(1);

const levelBetween = z
  .number()
  .gt(0.5, "must be above 0.5 and below 1")
  .lt(1, "must be above 0.5 and below 1");

/**
 * How much of the candidate's own traffic a gate must see, and for how long at least and at most
 * (docs/driver.md, "Evidence-based gates"). The limits themselves are `analysis.maxErrorRate`
 * and `analysis.maxP99Ms`; `analysis.confidence` is 1 - the false-pass rate.
 */
export const evidenceSchema = z
  .object({
    /** 1 - the false-fail rate: a candidate at the acceptable rates fails at most 1 - power. */
    power: levelBetween.default(0.95),
    /** The error rate a candidate should pass at; absent: half of maxErrorRate. */
    acceptableErrorRate: z.number().gt(0, "must be above 0").lt(1).optional(),
    /** Where both colors take traffic: the candidate's error rate may be at most r x stable's. */
    maxRatioToStable: z.number().min(1, "must be 1 or more").default(2),
    /** A bake's floor in alarm periods (the longest period among the Outpost's alarms). */
    floorAlarmPeriods: z.number().int().min(0, "must be 0 or more").default(2),
    /** A shift or bake with too little evidence after this long fails closed. */
    timeoutSeconds: z.number().positive("must be above 0").default(900),
    /**
     * The least request rate one Outpost takes during a release, by target: what the settings
     * check at load uses to refuse a limit that the traffic can never show in time.
     */
    requestsPerSecond: z
      .object({
        aws: z.number().positive("must be above 0").default(100),
        local: z.number().positive("must be above 0").default(100),
      })
      .strict()
      .default({}),
  })
  .strict();

export type EvidenceGateSettings = z.infer<typeof evidenceSchema>;

/** Thresholds of the analysis that gates run, in the spirit of Argo Rollouts' AnalysisRuns. */
export const analysisSchema = z
  .object({
    intervalSeconds: z.number().positive("must be above 0").default(10),
    probeTimeoutSeconds: z.number().positive("must be above 0").default(5),
    /** Requests of the external probe per check on the production endpoint. */
    requestsPerCheck: z.number().int().min(1, "must be 1 or more").default(5),
    /** Requests per check on the preview path, where they are all the candidate's. */
    previewRequestsPerCheck: z.number().int().min(1, "must be 1 or more").default(100),
    /** Confidence of the error-rate decisions (automation/gates/error-rate.ts). */
    confidence: levelBetween.default(0.95),
    maxErrorRate: z.number().min(0).max(1, "must be a fraction from 0 to 1").default(0.01),
    maxP99Ms: z.number().positive("must be above 0").default(500),
    /** Verification passes after this many good measurements in a row. */
    consecutiveSuccesses: z.number().int().min(1).default(3),
    /** A gate fails once it has more failed measurements than this. */
    failureLimit: z.number().int().min(0).default(2),
    /** ...or more errors (timeouts, unreachable) in a row than this. */
    consecutiveErrorLimit: z.number().int().min(0).default(4),
    verifyTimeoutSeconds: z.number().positive().default(600),
    evidence: evidenceSchema.default({}),
  })
  .strict();

export type AnalysisSettings = z.infer<typeof analysisSchema>;

/** The fleet lock: how often its holder beats, and when a silent holder counts as gone. */
export const lockSchema = z
  .object({
    ttlSeconds: z.number().positive("must be above 0").default(300),
    heartbeatSeconds: z.number().positive("must be above 0").default(15),
  })
  .strict()
  .refine((lock) => lock.heartbeatSeconds * 2 <= lock.ttlSeconds, {
    message:
      "heartbeatSeconds must be at most half of ttlSeconds (a live driver must never look stale)",
    path: ["heartbeatSeconds"],
  });

export type LockSettings = z.infer<typeof lockSchema>;

const settingsSchema = z
  .object({
    waveOrder: z.array(z.string().min(1)).default([]),
    concurrency: z.union([z.number(), z.string()]).default(1),
    traffic: z
      .object({ aws: trafficSteps.default([100]), local: trafficSteps.default([10, 50, 100]) })
      .strict()
      .default({}),
    eksCanary: z.boolean().default(true),
    prestage: z.boolean({ message: "must be true or false" }).default(true),
    pipelineWaves: z.boolean({ message: "must be true or false" }).default(true),
    prestageBesideStagingTests: z.boolean({ message: "must be true or false" }).default(false),
    rollbackScope: z
      .enum(ROLLBACK_SCOPES as [RollbackScope, ...RollbackScope[]], {
        message: `must be one of ${ROLLBACK_SCOPES.join(", ")}`,
      })
      .default("wave"),
    approval: z
      .enum(["none", "each-wave"], { message: "must be none or each-wave" })
      .default("none"),
    freezeWindows: z.array(freezeWindowSchema).default([]),
    /** A fixed floor for every bake; absent: `analysis.evidence.floorAlarmPeriods`. */
    bakeSeconds: seconds.optional(),
    scaleDownDelaySeconds: seconds.default(120),
    canaryTimeoutSeconds: seconds.default(1800),
    analysis: analysisSchema.default({}),
    policyPacks: z.array(z.string()).default([]),
    policyPackConfigs: z.array(z.string()).default([]),
    notifications: notificationSettingsSchema.default({}),
    lock: lockSchema.default({}),
    stagingTests: stagingTestsSchema,
  })
  .strict();

export interface DriverSettings {
  readonly waveOrder: readonly string[];
  readonly concurrency: Concurrency;
  readonly traffic: { readonly aws: readonly number[]; readonly local: readonly number[] };
  readonly eksCanary: boolean;
  /** Launch every Outpost's idle color fleet-wide before wave 1 (the `prestage` step). */
  readonly prestage: boolean;
  /** Waves in a pipeline and soak steps side by side (plan-types.ts, `ReleaseSchedule`). */
  readonly pipelineWaves: boolean;
  /** The prestage starts beside the staging test gates instead of after wave 0 passed. */
  readonly prestageBesideStagingTests: boolean;
  readonly rollbackScope: RollbackScope;
  readonly approval: "none" | "each-wave";
  readonly freezeWindows: readonly FreezeWindow[];
  /** The bake's floor set by hand; absent: floorAlarmPeriods x the Outpost's alarm period. */
  readonly bakeSeconds?: number;
  readonly scaleDownDelaySeconds: number;
  readonly canaryTimeoutSeconds: number;
  readonly analysis: AnalysisSettings;
  /** Absolute paths. */
  readonly policyPacks: readonly string[];
  readonly policyPackConfigs: readonly string[];
  /** Webhook sinks told of the release's milestones (automation/notify/). */
  readonly notifications: NotificationSettings;
  readonly lock: LockSettings;
  /** The test gates each staging Outpost runs after its flip (wave 0). */
  readonly stagingTests: StagingTestSettings;
}

/** Parses settings; `source` names the file in messages. Relative pack paths are from `baseDir`. */
export function parseDriverSettings(raw: unknown, source: string, baseDir: string): DriverSettings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) =>
        `  - ${issue.path.join(".") || "(file)"}: ${issue.message}${gotText(raw, issue.path)}`,
    );
    throw new UserError(`${source}: invalid driver settings:\n${lines.join("\n")}`);
  }
  const data = parsed.data;
  validateTrafficSteps(data.traffic.aws, `${source}: traffic.aws`);
  validateTrafficSteps(data.traffic.local, `${source}: traffic.local`);
  assertGatesCanDecide(data.analysis, data.traffic, source);
  return {
    ...data,
    concurrency: parseConcurrency(data.concurrency, `${source}: concurrency`),
    policyPacks: data.policyPacks.map((pack) => path.resolve(baseDir, pack)),
    policyPackConfigs: data.policyPackConfigs.map((file) => path.resolve(baseDir, file)),
  };
}

/** ` (got 0)`: the value a message is about, when the file has one there. */
function gotText(raw: unknown, at: readonly (string | number)[]): string {
  let value: unknown = raw;
  for (const key of at) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<string | number, unknown>)[key];
  }
  return value === undefined || at.length === 0 ? "" : ` (got ${JSON.stringify(value)})`;
}

export function loadDriverSettings(file: string, projectDir: string): DriverSettings {
  if (!fs.existsSync(file)) {
    throw new UserError(`--settings = "${file}": file not found`);
  }
  let raw: unknown;
  try {
    raw = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${file}: cannot read YAML (${(err as Error).message})`);
  }
  return parseDriverSettings(raw, file, projectDir);
}

export const DEFAULT_SETTINGS: DriverSettings = parseDriverSettings({}, "(defaults)", ".");
