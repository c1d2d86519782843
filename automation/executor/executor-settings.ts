import type { AnalysisSettings, DriverSettings } from "../settings/driver-settings";
import type { FreezeWindow } from "../settings/freeze-windows";

/** The part of the driver settings the executor uses. */
export interface ExecutorSettings {
  readonly analysis: AnalysisSettings;
  readonly bakeSeconds: number;
  readonly scaleDownDelaySeconds: number;
  readonly canaryTimeoutSeconds: number;
  readonly approval: "none" | "each-wave";
  readonly freezeWindows: readonly FreezeWindow[];
  readonly policyPacks: readonly string[];
  readonly policyPackConfigs: readonly string[];
  /** AWS region of each stack, for the AWS gates. */
  readonly awsRegions: Readonly<Record<string, string | undefined>>;
  /** Attempts of a rollback operation before it is declared incomplete. */
  readonly rollbackAttempts?: number;
}

export function executorSettings(
  settings: DriverSettings,
  awsRegions: Readonly<Record<string, string | undefined>>,
): ExecutorSettings {
  return { ...settings, awsRegions };
}
