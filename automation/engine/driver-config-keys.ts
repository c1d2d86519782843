import {
  completeDeploymentState,
  CONFIG_NAMESPACE,
  DRIVER_CONFIG_KEYS,
  type DeploymentState,
} from "../../infra/contract";
import { SEMVER } from "../../infra/config/patterns";
import { deploymentStateSchema } from "../../infra/config/schema";
import { type DriverConfigChange, EngineError } from "./engine-port";

/** `outpost-fleet:release` and `outpost-fleet:deployment`: the only keys the driver writes. */
export const RELEASE_KEY = `${CONFIG_NAMESPACE}:${DRIVER_CONFIG_KEYS.release}`;
export const DEPLOYMENT_KEY = `${CONFIG_NAMESPACE}:${DRIVER_CONFIG_KEYS.deployment}`;
/** Read only: which Outposts the stack has. */
export const OUTPOSTS_KEY = `${CONFIG_NAMESPACE}:outposts`;

/**
 * A change as `pulumi config set-all --path` pairs: one leaf per value, so the YAML keeps its
 * typed shape (path mode stores "true" as a boolean and "10" as a number) and Outposts the
 * change does not name are left alone. Pure.
 */
export function configPathValues(change: DriverConfigChange): Record<string, string> {
  const values: Record<string, string> = {};
  if (change.release !== undefined) values[`${RELEASE_KEY}.version`] = change.release;
  for (const [outpost, state] of Object.entries(change.deployment ?? {})) {
    const prefix = `${DEPLOYMENT_KEY}["${outpost}"]`;
    values[`${prefix}.blueVersion`] = state.blueVersion;
    values[`${prefix}.greenVersion`] = state.greenVersion;
    values[`${prefix}.activeColor`] = state.activeColor;
    values[`${prefix}.candidateWeight`] = String(state.candidateWeight);
    values[`${prefix}.idleWarm`] = String(state.idleWarm);
    values[`${prefix}.rolloutVersion`] = state.rolloutVersion;
  }
  return values;
}

/**
 * Refuses a change the program would refuse, before anything is written: the release must be a
 * semantic version and every Outpost's state must pass the program's own schema, complete
 * (with `rolloutVersion`). A bad value written would stop every later read of the stack's
 * config. Throws an EngineError naming each problem. Pure.
 */
export function checkDriverConfigChange(stack: string, change: DriverConfigChange): void {
  const problems: string[] = [];
  if (change.release !== undefined && !SEMVER.regex.test(change.release)) {
    problems.push(`release ${JSON.stringify(change.release)}: must be a semantic version`);
  }
  for (const [outpost, state] of Object.entries(change.deployment ?? {})) {
    const parsed = deploymentStateSchema.safeParse(state);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    if (parsed.success && state.rolloutVersion === undefined)
      issues.push("rolloutVersion: missing");
    if (issues.length > 0) problems.push(`deployment.${outpost}: ${issues.join("; ")}`);
  }
  if (problems.length > 0) {
    const outposts = Object.keys(change.deployment ?? {});
    throw new EngineError(
      `refused a driver config change of stack ${stack}: ${problems.join(" | ")}`,
      stack,
      "write-config",
      outposts,
    );
  }
}

/** Config values come back as strings; objects as JSON text. */
export function parseConfigValue(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The `deployment` value as the engine returns it, checked with the program's own schema
 * (infra/config) and completed the way the program completes it.
 */
export function parseDeployment(value: string | undefined): DeploymentState {
  const parsed = parseConfigValue(value);
  if (typeof parsed !== "object" || parsed === null) return {};
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).map(([outpost, raw]) => {
      const state = deploymentStateSchema.safeParse(raw);
      if (!state.success) {
        const why = state.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        throw new Error(`${DEPLOYMENT_KEY}.${outpost} = ${JSON.stringify(raw)}: ${why}`);
      }
      return [outpost, completeDeploymentState(state.data)];
    }),
  );
}
