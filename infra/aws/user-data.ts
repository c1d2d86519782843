import { type Color, metricTrack } from "../contract";
import { appMetricsEnvironment } from "./app-metrics";
/** Inputs for the boot script of an app instance. */
export interface AppUserData {
  readonly appName: string;
  readonly version: string;
  readonly color: Color;
  readonly outpost: string;
  readonly port: number;
  readonly ssmConfigPath: string;
  readonly region: string;
}

/**
 * cloud-init script for the app AMI. The AMI already holds every released build under
 * /opt/<app>/<version>; the script only selects one, so boot stays fast and no artifact is
 * fetched at launch. Config is read from SSM at start, never baked into user data.
 */
export function renderAppUserData(input: AppUserData): string {
  const unit = `${input.appName}.service`;
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `cat > /etc/${input.appName}.env <<'ENV'`,
    `APP_VERSION=${input.version}`,
    `APP_COLOR=${input.color}`,
    `OUTPOST=${input.outpost}`,
    `PORT=${input.port}`,
    `CONFIG_SSM_PATH=${input.ssmConfigPath}`,
    `AWS_REGION=${input.region}`,
    ...Object.entries(
      appMetricsEnvironment(input.appName, metricTrack({ color: input.color })),
    ).map(([name, value]) => `${name}=${value}`),
    "ENV",
    `ln -sfn /opt/${input.appName}/${input.version} /opt/${input.appName}/current`,
    "systemctl daemon-reload",
    `systemctl enable --now ${unit}`,
    "",
  ].join("\n");
}

export function toBase64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
