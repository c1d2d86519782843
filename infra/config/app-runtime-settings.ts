import { runtimeDocument, RuntimeDocument, RuntimeSettings } from "../../app/runtime-settings";
import { ParsedFleetConfig } from "./schema";

export type { RuntimeDocument, RuntimeSettings };

type RuntimeSources = Pick<ParsedFleetConfig, "appSettings" | "environmentSettings" | "region">;

/**
 * The app's runtime settings from a stack's merged config: what the stack publishes (SSM
 * `<root>/runtime`, the local pools' env, the EKS ConfigMap) and what the app checks and serves
 * on /config. Only non-secret values: endpoints and secrets never enter this document.
 */
export function appRuntimeSettings(config: RuntimeSources): RuntimeSettings {
  const { databasePoolSize, cacheTtlSeconds, apiTimeoutMs, featureFlags } = config.appSettings;
  return {
    databasePoolSize,
    cacheTtlSeconds,
    apiTimeoutMs,
    featureFlags,
    logLevel: config.environmentSettings.logLevel,
    complianceMode: config.region.complianceMode,
    dataResidency: config.region.dataResidency,
  };
}

/** The settings with their fingerprint, computed by the app's own code (one implementation). */
export function appRuntimeDocument(config: RuntimeSources): RuntimeDocument {
  return runtimeDocument(appRuntimeSettings(config));
}
