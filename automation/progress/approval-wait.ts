import { stacksOf } from "../plan/plan-types";
import type { ReleaseProgress } from "./release-progress";

export type ApprovalPolicy = "none" | "each-wave";

/**
 * The wave a driver waits to have approved, or undefined. The journal records approvals but not
 * the wait itself (the executor logs it and polls for `promote`), so it is derived from what the
 * executor does before a wave: with approval `each-wave`, once every stack passed its preflight
 * and the earlier waves completed, the next wave is neither started nor approved and no pending
 * promotion would approve it at once. Pure.
 */
export function waveAwaitingApproval(
  progress: ReleaseProgress,
  approval: ApprovalPolicy,
): string | undefined {
  if (approval !== "each-wave" || progress.finished || progress.paused || progress.rollback)
    return undefined;
  const { pause, abort, rollback, promotions } = progress.pending;
  if (pause || abort || rollback) return undefined;
  if (!stacksOf(progress.plan).every((stack) => progress.preflightPassed.has(stack)))
    return undefined;
  for (const wave of progress.plan.waves) {
    if (progress.completedWaves.has(wave.name)) continue;
    if (progress.startedWaves.has(wave.name) || progress.approvedWaves.has(wave.name))
      return undefined;
    const promoted = promotions.some((p) => p.wave === wave.name || p.wave === undefined);
    return promoted ? undefined : wave.name;
  }
  return undefined;
}

/**
 * The approval policy a release runs under: `--approve` on its recorded command line wins over
 * the settings file, as it does for `deploy`.
 */
export function approvalOfCommand(command: string, fromSettings: ApprovalPolicy): ApprovalPolicy {
  const match = /(?:^|\s)--approve(?:=|\s+)(none|each-wave)(?=\s|$)/.exec(command);
  return match ? (match[1] as ApprovalPolicy) : fromSettings;
}
