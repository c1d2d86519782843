import { FleetConfig } from "../config";
import { HealthCheck } from "./haproxy/haproxy-config";

/**
 * Check interval on the local target. The ALB's 10 s would make a local flip wait tens of
 * seconds for nothing: a local process is up in ~100 ms. The thresholds keep their meaning.
 */
export const LOCAL_CHECK_INTERVAL_MS = 500;

export function localHealthCheck(config: FleetConfig): HealthCheck {
  const { healthCheck } = config.loadBalancer;
  return {
    path: config.app.healthPath,
    intervalMs: LOCAL_CHECK_INTERVAL_MS,
    timeoutMs: Math.min(healthCheck.timeoutSeconds * 1000, LOCAL_CHECK_INTERVAL_MS - 100),
    rise: healthCheck.healthyThreshold,
    fall: healthCheck.unhealthyThreshold,
  };
}
