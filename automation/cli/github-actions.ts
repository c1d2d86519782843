import * as fs from "node:fs";
import type { RunOutcome } from "../executor/run-outcome";
import type { JournalEvent } from "../journal/journal-events";
import type { ReleaseJournal } from "../journal/release-journal";
import { type ReleaseProgress, replay } from "../progress/release-progress";
import { batchesOf, type RolloutPlan } from "../plan/plan-types";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import type { CliIo } from "./cli-io";
import { outcomeReason } from "./outcome-text";
import { statusView } from "../operations/status-report";

/**
 * Driver output for GitHub Actions (when `GITHUB_ACTIONS=true`): `::error::` workflow commands
 * on stdout for a failed gate, a policy block and a rollback, and a Markdown summary appended
 * to `$GITHUB_STEP_SUMMARY`.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
export function inGithubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

/** `%`, CR and LF escaped as the runner expects in a command's message (and `:`/`,` in properties). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** The `::error::` line an event deserves, if any. Pure. */
export function errorAnnotation(event: JournalEvent): string | undefined {
  const error = (title: string, message: string) =>
    `::error title=${escapeProperty(title)}::${escapeData(message)}`;
  switch (event.type) {
    case "stage-failed":
      return error(
        `outpost-fleet: ${event.stage} failed at ${event.step}`,
        `${event.stage} failed at ${event.step}: ${event.reason}`,
      );
    case "preflight-blocked":
      return error(
        `outpost-fleet: policy violation on ${event.stack}`,
        event.violations.map((v) => `${v.policyPack}/${v.policy}: ${v.message}`).join("\n"),
      );
    case "rollback-started":
      return error(
        `outpost-fleet: rollback (${event.scope})`,
        `rolling back ${event.stages.join(", ") || "the release config"}: ${event.reason}`,
      );
    case "rollback-failed":
      return error("outpost-fleet: rollback incomplete", event.reason);
    default:
      return undefined;
  }
}

/** Writes the annotations of each event to stdout when running in GitHub Actions. */
export function githubAnnotations(io: CliIo): (event: JournalEvent) => void {
  if (!inGithubActions(io.env)) return () => undefined;
  return (event) => {
    const line = errorAnnotation(event);
    if (line !== undefined) io.stdout.write(`${line}\n`);
  };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The job summary of a run: result, waves with their Outposts, failures, rollback. Pure. */
export function releaseSummary(progress: ReleaseProgress, outcome: RunOutcome): string {
  const view = statusView(progress, { state: "free" });
  const reason = outcomeReason(outcome);
  const lines = [
    `## outpost-fleet: release ${progress.release}: ${outcome.kind}`,
    "",
    `Attempt ${progress.attempt}, started ${progress.startedAt} by ${progress.startedBy.user}` +
      `${progress.startedBy.runId ? ` (CI run ${progress.startedBy.runId})` : ""}: \`${progress.command}\``,
    "",
    "| wave | state | Outposts |",
    "| --- | --- | --- |",
    ...progress.plan.waves.map((wave, index) => {
      const state = view.waves[index]?.state ?? "not started";
      return `| ${cell(wave.name)} | ${state} | ${cell(wave.stages.map((s) => s.id).join(", "))} |`;
    }),
    "",
    `**Result:** ${outcome.kind}${reason ? `: ${cell(reason)}` : ""}`,
  ];
  if (view.failures.length > 0) {
    lines.push("", "**Failures:**", ...view.failures.map((f) => `- ${f.stage}: ${cell(f.reason)}`));
  }
  if (view.rollback) {
    lines.push(
      "",
      `**Rollback** (${view.rollback.scope}, ${view.rollback.state}): ${cell(view.rollback.reason)}`,
      `Outposts rolled back: ${view.rollback.stages.join(", ") || "none (config only)"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The job summary of `plan`: where it would run, and every wave and batch. Pure. */
export function planSummary(
  plan: RolloutPlan,
  places: { backend: string; journal: string },
): string {
  const lines = [
    `## outpost-fleet plan: release ${plan.release}`,
    "",
    `Backend: ${cell(places.backend)}  `,
    `Journal and lock: ${cell(places.journal)}  `,
    `Rollback scope: ${plan.rollbackScope}  `,
    plan.prestage
      ? `Prestage: every Outpost's idle color before wave 1, no traffic, ${plan.prestage.concurrency} at a time (${plan.prestage.batches.length} batches)`
      : "Prestage: off (each Outpost's idle color is deployed in its wave)",
    "",
    "| wave | batch | Outposts |",
    "| --- | --- | --- |",
  ];
  for (const wave of plan.waves) {
    batchesOf(wave).forEach((batch, index) => {
      lines.push(
        `| ${cell(wave.name)} | ${index === 0 ? "canary" : index} | ${batch.map((s) => s.id).join(", ")} |`,
      );
    });
  }
  lines.push("", "Steps per Outpost:", "");
  for (const [stack, steps] of Object.entries(plan.steps)) {
    lines.push(`- ${stack}: ${steps.map((s) => s.id).join(" → ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Appends `markdown` to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions. */
export function appendStepSummary(env: NodeJS.ProcessEnv, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!inGithubActions(env) || !file) return false;
  fs.appendFileSync(file, markdown);
  return true;
}

/** The run's summary, from the journal, into `$GITHUB_STEP_SUMMARY` (best effort). */
export async function writeGithubSummary(
  io: CliIo,
  journal: ReleaseJournal,
  outcome: RunOutcome,
  log: Logger,
): Promise<void> {
  if (!inGithubActions(io.env) || !io.env.GITHUB_STEP_SUMMARY) return;
  try {
    const progress = replay((await journal.read()).events);
    if (progress) appendStepSummary(io.env, releaseSummary(progress, outcome));
  } catch (err) {
    // The journal store may be the reason the run stopped; the summary then says only that.
    log.warn(`could not write the job summary from the journal: ${messageOf(err)}`);
    appendStepSummary(
      io.env,
      `## outpost-fleet: ${outcome.kind}\n\n${cell(outcomeReason(outcome) ?? "")}\n`,
    );
  }
}
