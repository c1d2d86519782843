import type { AnalysisSettings, DriverSettings } from "../settings/driver-settings";
import type { FreezeWindow } from "../settings/freeze-windows";
import type { TestRunSettings } from "../settings/staging-test-settings";

/** The part of the driver settings the executor uses. */
export interface ExecutorSettings {
  readonly analysis: AnalysisSettings;
  /** The bake's floor set by hand; absent: floorAlarmPeriods x the Outpost's alarm period. */
  readonly bakeSeconds?: number;
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
  /** Bounds of the test gates' run in wave 0 (defaults: DEFAULT_TEST_RUN). */
  readonly testRun?: TestRunSettings;
  /** How young a staging pass must be for a production wave to start (default 24). */
  readonly stagingPassMaxAgeHours?: number;
}

export function executorSettings(
  settings: DriverSettings,
  awsRegions: Readonly<Record<string, string | undefined>>,
): ExecutorSettings {
  return {
    ...settings,
    awsRegions,
    testRun: settings.stagingTests.run,
    stagingPassMaxAgeHours: settings.stagingTests.passMaxAgeHours,
  };
}
