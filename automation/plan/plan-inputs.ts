import * as semver from "semver";
import type { FleetStack } from "../fleet/fleet-stack";
import { ROLLBACK_SCOPES, type RollbackScope } from "./plan-types";
import { invalidValue, UserError } from "../support/user-error";

/** A release is a plain semantic version: 2.1.0 or 2.1.0-rc.1 (no leading "v"). */
export function validateRelease(version: unknown, flag = "--release"): string {
  if (typeof version !== "string" || version === "") {
    throw new UserError(`${flag} is required: a semantic version such as 2.1.0`);
  }
  if (semver.valid(version) !== version) {
    throw invalidValue(flag, version, "must be a semantic version such as 2.1.0 or 2.1.0-rc.1");
  }
  return version;
}

/**
 * Picks the stacks named by `--stacks`; without names, every stack of `--target` (default: the
 * AWS fleet when there is one, else the local one), so a rollout never mixes the real fleet
 * and the local stand-in by accident.
 */
export function selectStacks(
  all: readonly FleetStack[],
  names: readonly string[] | undefined,
  target?: string,
  flag = "--stacks",
): FleetStack[] {
  if (all.length === 0) {
    throw new UserError("no stacks found: the project root has no Pulumi.<stack>.yaml file");
  }
  if (target !== undefined && target !== "aws" && target !== "local") {
    throw invalidValue("--target", target, "must be aws or local");
  }
  if (names === undefined || names.length === 0) {
    const chosen = target ?? (all.some((stack) => stack.target === "aws") ? "aws" : "local");
    const stacks = all.filter((stack) => stack.target === chosen);
    if (stacks.length === 0) {
      throw invalidValue(
        "--target",
        chosen,
        `no stack has this target; stacks: ${all.map((s) => `${s.name} (${s.target})`).join(", ")}`,
      );
    }
    return stacks;
  }
  const known = all.map((stack) => stack.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw invalidValue(flag, unknown.join(","), `unknown stack; must be among ${known.join(", ")}`);
  }
  return all.filter((stack) => names.includes(stack.name));
}

/** Every name in `--waves` must be a region group of the selected stacks. */
export function validateWaveOrder(
  order: readonly string[],
  stacks: readonly FleetStack[],
  flag = "--waves",
): string[] {
  const groups = [...new Set(stacks.map((stack) => stack.regionGroup))];
  const unknown = order.filter((name) => !groups.includes(name));
  if (unknown.length > 0) {
    throw invalidValue(flag, unknown.join(","), `must be region groups among ${groups.join(", ")}`);
  }
  const repeated = order.filter((name, i) => order.indexOf(name) !== i);
  if (repeated.length > 0) throw invalidValue(flag, order.join(","), "must name each region once");
  return [...order];
}

export function validateRollbackScope(value: unknown, flag = "--rollback-scope"): RollbackScope {
  if (typeof value === "string" && (ROLLBACK_SCOPES as readonly string[]).includes(value)) {
    return value as RollbackScope;
  }
  throw invalidValue(flag, value, `must be one of ${ROLLBACK_SCOPES.join(", ")}`);
}

/** A switch flag, `on` or `off` (`--prestage`, `--pipeline-waves`). */
export function parseOnOff(value: unknown, flag: string): boolean {
  if (value === "on") return true;
  if (value === "off") return false;
  throw invalidValue(flag, value, "must be on or off");
}

/** `--prestage on|off`: launch every idle color fleet-wide before wave 1, or per stage. */
export function parsePrestage(value: unknown, flag = "--prestage"): boolean {
  return parseOnOff(value, flag);
}
