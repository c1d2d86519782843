import { NO_FAULTS, PoolFaults } from "./providers/pool-types";

/** Injected faults by app version: every pool running that version gets them. */
export type FaultsByVersion = Readonly<Record<string, PoolFaults>>;

/** Environment variable that injects faults into local releases, for rollback demos and tests. */
export const FAULTS_ENV = "OUTPOST_FLEET_LOCAL_FAULTS";

const EXAMPLE = `{"2.1.0": {"errorRate": 0.5, "latencyMs": 200}}`;

/**
 * Parses `OUTPOST_FLEET_LOCAL_FAULTS`: JSON mapping an app version to `{errorRate (0-1),
 * latencyMs}`. Faults follow a version, not a color, so a bad release stays bad wherever
 * the driver puts it: exactly what the gates and the rollback must catch.
 */
export function parseFaults(text: string | undefined): FaultsByVersion {
  if (text === undefined || text.trim() === "") return {};
  const fail = (why: string): never => {
    throw new Error(`${FAULTS_ENV} ${why}; expected JSON like ${EXAMPLE}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(`is not JSON: ${JSON.stringify(text)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return fail("must be an object keyed by app version");
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([version, value]) => {
      const spec = (typeof value === "object" && value !== null ? value : {}) as Record<
        string,
        unknown
      >;
      const errorRate = spec.errorRate ?? 0;
      const latencyMs = spec.latencyMs ?? 0;
      if (typeof errorRate !== "number" || errorRate < 0 || errorRate > 1) {
        fail(
          `has errorRate ${JSON.stringify(errorRate)} for ${version}, which must be a number from 0 to 1`,
        );
      }
      if (typeof latencyMs !== "number" || !Number.isInteger(latencyMs) || latencyMs < 0) {
        fail(
          `has latencyMs ${JSON.stringify(latencyMs)} for ${version}, which must be a whole number of ms`,
        );
      }
      return [version, { errorRate, latencyMs } as PoolFaults];
    }),
  );
}

export function faultsFor(faults: FaultsByVersion, version: string): PoolFaults {
  return faults[version] ?? NO_FAULTS;
}
