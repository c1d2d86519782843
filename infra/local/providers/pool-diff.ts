import * as path from "node:path";
import type { DiffResult } from "@pulumi/pulumi/dynamic";
import { parseRuntimeSettings } from "../../../app/runtime-settings";
import { changedKeys } from "./changes";
import { AppPoolInputs, AppPoolOutputs } from "./pool-types";

/**
 * Inputs that change what a process is. Changing one replaces the pool: Pulumi creates the
 * new processes, updates the balancer to point at them, and only then deletes the old ones,
 * so the color keeps serving throughout.
 */
export const POOL_REPLACE_KEYS = [
  "outpost",
  "color",
  "version",
  "faults",
  "runtimeSettings",
  "readyPath",
] as const;

/** Inputs that only describe the pool (tags for the policy pack): updated in place. */
const POOL_UPDATE_KEYS = ["tags", "count", "appEntry"] as const;

/**
 * Diff of a pool. Shrinking replaces too, for the same ordering reason: processes must leave
 * HAProxy before they stop, and only a replacement puts the balancer update in between. Growing
 * and restarting dead processes (seen by `refresh`) are in-place updates. The run dir never
 * counts: the processes stay where they are until they are replaced.
 */
export function diffAppPool(olds: AppPoolOutputs, news: AppPoolInputs): DiffResult {
  const replaces: string[] = changedKeys(olds, news, POOL_REPLACE_KEYS);
  const highestSlot = Math.max(0, ...olds.processes.map((p) => p.slot), olds.count);
  if (news.count < highestSlot) replaces.push("count");
  const updates = changedKeys(olds, news, POOL_UPDATE_KEYS);
  const missing = olds.processes.length < olds.count;
  return {
    changes: replaces.length > 0 || updates.length > 0 || missing,
    replaces: [...new Set(replaces)],
    deleteBeforeReplace: false,
  };
}

/** Slots 1..count that have no live process. */
export function missingSlots(processes: readonly { slot: number }[], count: number): number[] {
  const present = new Set(processes.map((p) => p.slot));
  return Array.from({ length: count }, (_, i) => i + 1).filter((slot) => !present.has(slot));
}

/** Why these pool inputs are unusable; empty when they are fine. */
export function poolInputProblems(
  news: Partial<AppPoolInputs>,
): { property: string; reason: string }[] {
  const problems: { property: string; reason: string }[] = [];
  if (!Number.isInteger(news.count) || (news.count ?? -1) < 0) {
    problems.push({
      property: "count",
      reason: `must be a whole number of processes, 0 or more; got ${String(news.count)}`,
    });
  }
  const rate = news.faults?.errorRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) {
    problems.push({
      property: "faults.errorRate",
      reason: `must be from 0 to 1; got ${String(rate)}`,
    });
  }
  if (news.runtimeSettings !== undefined) {
    // Refused here, before any process starts, with the app's own words.
    const reasons: string[] = [];
    parseRuntimeSettings(news.runtimeSettings, "runtimeSettings", reasons);
    problems.push(...reasons.map((reason) => ({ property: "runtimeSettings", reason })));
  }
  for (const key of ["runDir", "appEntry"] as const) {
    const value = news[key];
    if (typeof value !== "string" || !path.isAbsolute(value)) {
      problems.push({ property: key, reason: `must be an absolute path; got ${String(value)}` });
    }
  }
  return problems;
}
