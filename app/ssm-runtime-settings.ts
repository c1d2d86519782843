import type { GetParameterCommand, GetParameterCommandOutput } from "@aws-sdk/client-ssm";
import { AppConfig, AppConfigError } from "./app-options";
import { runtimeFingerprint, runtimeSettingsProblems, RuntimeSettings } from "./runtime-settings";

/**
 * On EC2 the app reads its runtime settings from SSM itself, with GetParameter on
 * `${CONFIG_SSM_PATH}/runtime`, rather than the boot script fetching them to a file: user data
 * runs once per instance, so a file would freeze the settings of the first boot, while the
 * app reads them on every (re)start; and no AWS CLI has to be on the AMI. Credentials come
 * from the instance role, which may read the config path (infra/aws/fleet-roles.ts).
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */

/** The one call the app makes; tests pass a fake. */
export interface ParameterReader {
  getParameter(name: string): Promise<string | undefined>;
}

/** What the reader needs of an SSMClient; tests pass a fake. */
export interface SsmSender {
  send(command: GetParameterCommand): Promise<GetParameterCommandOutput>;
}

/** The real reader, the SDK loaded only when used: local and EKS processes never load it. */
export async function ssmParameterReader(
  region: string | undefined,
  client?: SsmSender,
): Promise<ParameterReader> {
  const sdk = await import("@aws-sdk/client-ssm");
  const ssm = client ?? new sdk.SSMClient(region === undefined ? {} : { region });
  return {
    async getParameter(name) {
      try {
        const output = await ssm.send(new sdk.GetParameterCommand({ Name: name }));
        return output.Parameter?.Value;
      } catch (error) {
        // GetParameter answers a name that does not exist with ParameterNotFound: for the app
        // that is "no value", reported as a config error naming the parameter.
        // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html#API_GetParameter_Errors
        if ((error as Error).name === "ParameterNotFound") return undefined;
        throw error;
      }
    },
  };
}

/** Name of the runtime document under a stack's config root (configParameters). */
export function runtimeParameterName(configSsmPath: string): string {
  return `${configSsmPath.replace(/\/+$/, "")}/runtime`;
}

/**
 * Reads and checks the `{settings, fingerprint}` document. The fingerprint must match the
 * settings, so a hand-edited parameter is refused instead of half applied.
 */
export async function readSsmRuntimeSettings(
  configSsmPath: string,
  reader: ParameterReader,
): Promise<RuntimeSettings> {
  const name = runtimeParameterName(configSsmPath);
  const source = `SSM parameter ${name}`;
  const text = await reader.getParameter(name);
  if (text === undefined) throw new AppConfigError([`${source} has no value`]);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AppConfigError([`${source} is not valid JSON (${(error as Error).message})`]);
  }
  const { settings, fingerprint } = (document ?? {}) as {
    settings?: unknown;
    fingerprint?: unknown;
  };
  const problems = runtimeSettingsProblems(settings, `${source} settings`);
  if (problems.length > 0) throw new AppConfigError(problems);
  const expected = runtimeFingerprint(settings as RuntimeSettings);
  if (fingerprint !== expected) {
    throw new AppConfigError([
      `${source} fingerprint=${JSON.stringify(fingerprint)} must be ${expected}, the fingerprint of its settings`,
    ]);
  }
  return settings as RuntimeSettings;
}

/**
 * The config with its runtime settings final: APP_RUNTIME_CONFIG wins; otherwise, on EC2
 * (CONFIG_SSM_PATH set), SSM; otherwise the defaults.
 */
export async function withRuntimeSettings(
  config: AppConfig,
  reader: () => Promise<ParameterReader> = () => ssmParameterReader(config.awsRegion),
): Promise<AppConfig> {
  if (config.runtimeSettingsGiven || config.configSsmPath === undefined) return config;
  const runtimeSettings = await readSsmRuntimeSettings(config.configSsmPath, await reader());
  return { ...config, runtimeSettings };
}
