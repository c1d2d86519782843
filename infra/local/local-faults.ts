import { LocalFaultConfig } from "../config";
import { NO_FAULTS, PoolFaults } from "./providers/pool-types";

/**
 * Injected faults by app version, from the stack config key `localFaults` (validated with the
 * rest of the config, local stacks only). Faults follow a version, not a color, so a bad
 * release stays bad wherever the driver puts it: exactly what the gates and the rollback must
 * catch. Nothing comes from the environment: an `up` or `drift` anywhere sees the same faults.
 */
export type FaultsByVersion = Readonly<Record<string, LocalFaultConfig>>;

export function faultsFor(faults: FaultsByVersion, version: string): PoolFaults {
  const spec = faults[version];
  if (spec === undefined) return NO_FAULTS;
  const { errorRate, latencyMs, paths, brokenPaths } = spec;
  // Optional keys only when set, so the pool inputs of stacks that never use them stay as they were.
  return {
    errorRate,
    latencyMs,
    ...(paths === undefined ? {} : { paths }),
    ...(brokenPaths === undefined ? {} : { brokenPaths }),
  };
}
