import { createHash } from "node:crypto";

/**
 * The app's runtime settings: `appSettings` of the merged stack config plus the log level
 * (environmentSettings) and the region's compliance mode and data residency. The stack builds
 * this document (infra/config/app-runtime-settings.ts), publishes it with its fingerprint, and the
 * app parses it here. This file is the one implementation of the document's rules, its
 * canonical JSON and its fingerprint: app/ is transpiled standalone (app/launch.js loads only
 * app/*.ts), so infra imports it from here rather than the other way round. It needs nothing
 * but Node's own modules, since local providers serialize it into the Pulumi state.
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RuntimeSettings {
  readonly databasePoolSize: number;
  readonly cacheTtlSeconds: number;
  readonly apiTimeoutMs: number;
  /** Flag name (camelCase) -> on or off. */
  readonly featureFlags: Readonly<Record<string, boolean>>;
  readonly logLevel: LogLevel;
  readonly complianceMode: string;
  readonly dataResidency: string;
}

/** Whole-number bounds of the numeric settings; the stack's schema uses the same ones. */
export const RUNTIME_SETTING_LIMITS = {
  databasePoolSize: [1, 500],
  cacheTtlSeconds: [0, 86_400],
  apiTimeoutMs: [100, 60_000],
} as const satisfies Record<string, readonly [number, number]>;

/** camelCase letters and digits, starting with a lower-case letter. */
export const FEATURE_FLAG_NAME = /^[a-z][a-zA-Z0-9]{0,63}$/;
/** Same shapes as the stack schema's region section (infra/config/schema.ts). */
const COMPLIANCE_MODE = /^[A-Z][A-Z0-9-]{1,15}$/;
const DATA_RESIDENCY = /^[a-z]{2,4}$/;

/** What an app started with no settings at all runs with (the demo, tests, a laptop). */
export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  databasePoolSize: 20,
  cacheTtlSeconds: 300,
  apiTimeoutMs: 3_000,
  featureFlags: {},
  logLevel: "info",
  complianceMode: "NONE",
  dataResidency: "none",
};

/** JSON with sorted keys, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** "sha256:" + hex sha256 of the canonical JSON: the same on the stack and in the app. */
export function runtimeFingerprint(settings: RuntimeSettings): string {
  return `sha256:${createHash("sha256").update(canonicalJson(settings)).digest("hex")}`;
}

/** The published document: the settings and their fingerprint (SSM `<root>/runtime`). */
export interface RuntimeDocument {
  readonly settings: RuntimeSettings;
  readonly fingerprint: string;
}

export function runtimeDocument(settings: RuntimeSettings): RuntimeDocument {
  return { settings, fingerprint: runtimeFingerprint(settings) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates parsed JSON as runtime settings. Every problem names the key, the value and what
 * is allowed; `source` says where the document came from (e.g. APP_RUNTIME_CONFIG).
 */
export function runtimeSettingsProblems(value: unknown, source: string): string[] {
  if (!isObject(value)) {
    return [`${source}=${JSON.stringify(value)} must be a JSON object of runtime settings`];
  }
  const problems: string[] = [];
  const at = (key: string, v: unknown, allowed: string) =>
    problems.push(`${source} ${key}=${JSON.stringify(v)} ${allowed}`);
  for (const [key, [min, max]] of Object.entries(RUNTIME_SETTING_LIMITS)) {
    const v = value[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      at(key, v, `must be a whole number from ${min} to ${max}`);
    }
  }
  if (!(LOG_LEVELS as readonly unknown[]).includes(value.logLevel)) {
    at("logLevel", value.logLevel, `must be one of ${LOG_LEVELS.join(", ")}`);
  }
  if (typeof value.complianceMode !== "string" || !COMPLIANCE_MODE.test(value.complianceMode)) {
    at(
      "complianceMode",
      value.complianceMode,
      "must be an upper-case regime name like SOX or GDPR",
    );
  }
  if (typeof value.dataResidency !== "string" || !DATA_RESIDENCY.test(value.dataResidency)) {
    at("dataResidency", value.dataResidency, "must be a short region code like us, eu or sg");
  }
  if (!isObject(value.featureFlags)) {
    at("featureFlags", value.featureFlags, "must be an object of flag name -> true or false");
  } else {
    for (const [flag, on] of Object.entries(value.featureFlags)) {
      if (!FEATURE_FLAG_NAME.test(flag)) {
        at(
          `featureFlags.${flag}`,
          on,
          "has a bad name: flag names are camelCase letters and digits",
        );
      } else if (typeof on !== "boolean") {
        at(`featureFlags.${flag}`, on, "must be true or false");
      }
    }
  }
  const known = new Set([...Object.keys(DEFAULT_RUNTIME_SETTINGS)]);
  for (const key of Object.keys(value).filter((k) => !known.has(k))) {
    at(key, value[key], `is not a runtime setting; known: ${[...known].join(", ")}`);
  }
  return problems;
}

/**
 * Parses a JSON text of runtime settings. Returns the settings, or undefined with the reasons
 * added to `problems` (the caller reports them with its other configuration problems).
 */
export function parseRuntimeSettings(
  text: string,
  source: string,
  problems: string[],
): RuntimeSettings | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push(
      `${source}=${JSON.stringify(text.slice(0, 80))} is not valid JSON (${(error as Error).message}); ` +
        `expected an object like ${JSON.stringify(DEFAULT_RUNTIME_SETTINGS)}`,
    );
    return undefined;
  }
  const found = runtimeSettingsProblems(value, source);
  problems.push(...found);
  return found.length === 0 ? (value as RuntimeSettings) : undefined;
}
