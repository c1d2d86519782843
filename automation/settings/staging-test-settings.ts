import { z } from "zod";

/**
 * The staging test gates' settings (`stagingTests` in automation/driver.yaml): what the
 * integration checks ask, how hard the load test pushes, which headers the security gate wants,
 * and the image scan severity that fails a release. docs/driver.md, "Staging test gates".
 */

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Most severe first: a scan fails at `failAtSeverity` and at everything before it. */
export const SCAN_SEVERITIES = [
  "CRITICAL",
  "HIGH",
  "MEDIUM",
  "LOW",
  "INFORMATIONAL",
  "UNDEFINED",
] as const;
export type ScanSeverity = (typeof SCAN_SEVERITIES)[number];

/** `{name}` in a path or an `equals`: `{release}`, or a value an earlier check saved. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;
export const RELEASE_PLACEHOLDER = "release";

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** Replaces every `{name}`; the caller has checked that each one has a value. */
export function fillPlaceholders(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

const positiveNumber = z.number({ message: "must be a number" }).positive("must be above 0");
const fraction = z
  .number({ message: "must be a number" })
  .min(0, "must be a fraction from 0 to 1")
  .max(1, "must be a fraction from 0 to 1");

const jsonExpectationSchema = z
  .object({
    /** A dot path into the JSON body: `items.0.sku`. */
    field: z.string().min(1, "must be a dot path such as items.0.sku"),
    equals: z.unknown().optional(),
    /** Present and not null, "", [] or {}. */
    notEmpty: z.boolean({ message: "must be true or false" }).optional(),
  })
  .strict();

const checkSchema = z
  .object({
    name: z.string().min(1, "must name the check"),
    method: z
      .enum(HTTP_METHODS, { message: `must be one of ${HTTP_METHODS.join(", ")}` })
      .default("GET"),
    path: z.string().startsWith("/", "must start with /"),
    status: z
      .number()
      .int("must be an HTTP status code from 100 to 599")
      .min(100, "must be an HTTP status code from 100 to 599")
      .max(599, "must be an HTTP status code from 100 to 599")
      .default(200),
    json: jsonExpectationSchema.optional(),
    contains: z.string().min(1, "must be non-empty text").optional(),
    /** Values later checks may use as `{name}`, each from a dot path of this answer's JSON. */
    save: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().min(1)).optional(),
  })
  .strict();

export type HttpCheck = z.infer<typeof checkSchema>;

/** The sample app's routes (docs/driver.md); automation/driver.yaml ships the same list. */
export const DEFAULT_CHECKS: z.input<typeof checkSchema>[] = [
  { name: "health", path: "/health" },
  { name: "ready", path: "/ready" },
  { name: "version", path: "/version", json: { field: "version", equals: "{release}" } },
  // The broken release answers 200 with no items: the first item's sku is what catches it.
  {
    name: "catalogue",
    path: "/api/products",
    json: { field: "items.0.sku", notEmpty: true },
    save: { sku: "items.0.sku" },
  },
  { name: "product", path: "/api/products/{sku}", json: { field: "sku", equals: "{sku}" } },
  { name: "unknown product", path: "/api/products/no-such-sku-0000", status: 404 },
  { name: "config", path: "/config", json: { field: "fingerprint", notEmpty: true } },
];

const checksSchema = z.array(checkSchema).superRefine((checks, ctx) => {
  const known = new Set([RELEASE_PLACEHOLDER]);
  const names = new Set<string>();
  checks.forEach((check, index) => {
    if (names.has(check.name)) {
      ctx.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `"${check.name}" is used by an earlier check; names must be unique`,
      });
    }
    names.add(check.name);
    const texts: [string, string][] = [["path", check.path]];
    if (typeof check.json?.equals === "string") texts.push(["json.equals", check.json.equals]);
    for (const [key, text] of texts) {
      for (const name of placeholdersIn(text)) {
        if (known.has(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: [index, ...key.split(".")],
          message: `"${text}" uses {${name}}, which no earlier check saves (allowed: ${[...known].map((k) => `{${k}}`).join(", ")})`,
        });
      }
    }
    for (const name of Object.keys(check.save ?? {})) known.add(name);
  });
});

/** The load test's limits on one target; defaults differ (a fleet's ALB vs a laptop). */
function loadLimitsSchema(defaults: LoadLimits) {
  return z
    .object({
      connections: z
        .number({ message: "must be a whole number" })
        .int("must be a whole number from 1 to 10000")
        .min(1, "must be a whole number from 1 to 10000")
        .max(10000, "must be a whole number from 1 to 10000")
        .default(defaults.connections),
      durationSeconds: positiveNumber.default(defaults.durationSeconds),
      maxP95Ms: positiveNumber.default(defaults.maxP95Ms),
      maxErrorRate: fraction.default(defaults.maxErrorRate),
      minRequestsPerSecond: z
        .number({ message: "must be a number" })
        .min(0, "must be 0 or more")
        .default(defaults.minRequestsPerSecond),
      rampSeconds: z
        .number({ message: "must be a number of seconds" })
        .min(0, "must be 0 or more seconds")
        .default(defaults.rampSeconds),
      earlyStopAfterSeconds: z
        .union(
          [z.literal(false), z.number().min(0, "must be false or 0 or more seconds of full load")],
          { message: "must be false or a number of seconds of full load" },
        )
        .default(defaults.earlyStopAfterSeconds),
    })
    .strict()
    .refine((limits) => limits.rampSeconds < limits.durationSeconds, {
      message: "rampSeconds must be below durationSeconds: the test needs time at full load",
      path: ["rampSeconds"],
    })
    .default({});
}

export interface LoadLimits {
  readonly connections: number;
  /** The whole test, ramp included. */
  readonly durationSeconds: number;
  readonly maxP95Ms: number;
  readonly maxErrorRate: number;
  readonly minRequestsPerSecond: number;
  /** Connections open in even steps over this long; then full load to the end. */
  readonly rampSeconds: number;
  /**
   * false: always the whole duration. A number: the test may stop once this long at full load
   * has passed and the sequential rule of gates/evidence/load-test-evidence.ts has shown every
   * limit met; it fails as soon as the rule has shown a limit broken.
   */
  readonly earlyStopAfterSeconds: number | false;
}

/**
 * The use case's production figures: 1000 users for 10 minutes with a 2 minute ramp, p95 <
 * 500 ms, < 0.1% errors, > 2000 req/s. The early stop waits two 60 s alarm periods at full
 * load, the bakes' floor (driver.yaml, analysis.evidence.floorAlarmPeriods).
 */
export const AWS_LOAD_DEFAULTS: LoadLimits = {
  connections: 1000,
  durationSeconds: 600,
  maxP95Ms: 500,
  maxErrorRate: 0.001,
  minRequestsPerSecond: 2000,
  rampSeconds: 120,
  earlyStopAfterSeconds: 120,
};

/** Seconds on a 2-core demo machine that runs a dozen local Outposts at once. */
export const LOCAL_LOAD_DEFAULTS: LoadLimits = {
  connections: 20,
  durationSeconds: 5,
  maxP95Ms: 500,
  maxErrorRate: 0.001,
  minRequestsPerSecond: 200,
  rampSeconds: 0,
  earlyStopAfterSeconds: false,
};

const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name");

const securitySchema = z
  .object({
    /** Header -> exact value, or `true`: present with any value. */
    headers: z
      .record(
        headerName,
        z.union([z.string().min(1), z.literal(true)], {
          message: "must be the expected value, or true for any value",
        }),
      )
      .default({
        "strict-transport-security": "max-age=31536000; includeSubDomains",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "content-security-policy": true,
        "referrer-policy": "no-referrer",
      }),
    forbiddenHeaders: z
      .array(headerName)
      .default(["x-app-version", "x-app-color", "x-powered-by", "server"]),
    paths: z
      .array(z.string().startsWith("/", "must start with /"))
      .min(1, "must list at least one path")
      .default(["/", "/api/products", "/version"]),
    /** AWS only: https endpoint, and plain http must not serve the app. */
    requireTls: z.boolean({ message: "must be true or false" }).default(true),
    ecrScan: z
      .object({
        failAtSeverity: z
          .enum(SCAN_SEVERITIES, { message: `must be one of ${SCAN_SEVERITIES.join(", ")}` })
          .default("HIGH"),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

/** How the runner bounds each gate (test-gate-run.ts). */
const runSchema = z
  .object({
    /** Bound of one measurement of every gate but load (load: its duration plus a margin). */
    timeoutSeconds: positiveNumber.default(60),
    loadMarginSeconds: positiveNumber.default(30),
    /** A pending gate (an image scan in progress) is asked again this often, up to the bound. */
    pendingRetrySeconds: positiveNumber.default(10),
    pendingTimeoutSeconds: positiveNumber.default(900),
  })
  .strict()
  .default({});

export const stagingTestsSchema = z
  .object({
    integration: z
      .object({ checks: checksSchema.default(DEFAULT_CHECKS) })
      .strict()
      .default({}),
    load: z
      .object({
        path: z.string().startsWith("/", "must start with /").default("/api/products"),
        aws: loadLimitsSchema(AWS_LOAD_DEFAULTS),
        local: loadLimitsSchema(LOCAL_LOAD_DEFAULTS),
      })
      .strict()
      .default({}),
    security: securitySchema,
    run: runSchema,
    /** A production wave needs a staging pass of the same build younger than this. */
    passMaxAgeHours: z
      .number({ message: "must be a number of hours" })
      .positive("must be a number of hours above 0")
      .default(24),
  })
  .strict()
  .default({});

export type StagingTestSettings = z.infer<typeof stagingTestsSchema>;
export type SecuritySettings = StagingTestSettings["security"];
export type TestRunSettings = StagingTestSettings["run"];
