import { PRESTAGE_STEP } from "../plan/plan-types";
import { describeGate } from "../progress/event-summary";
import type { HistoryEntry, StatusView, StepState } from "../operations/status-report";
import { consistencyText } from "../operations/fleet-consistency";

const MARKS: Record<StepState, string> = { done: " ✓", running: " …", failed: " ✗", pending: "" };

/** How `status` marks a step: ✓ done, … running, ✗ failed, nothing pending. */
const markOf = (state: StepState) => MARKS[state];

/** `status` as text: the CLI's words for statusView (operations/status-report.ts). */
export function formatStatus(view: StatusView): string {
  const lines = [
    `release ${view.release} (attempt ${view.attempt}): ${view.state}${view.outcome ? ` (${view.outcome})` : ""}`,
    `  started ${view.startedAt} by ${view.startedBy}: ${view.command}`,
    `  driver: ${view.driver ?? "none running"}`,
    ...(view.inFlight.length > 0 ? [`  in flight: ${view.inFlight.join("; ")}`] : []),
    ...(view.consistency ? [`  ${consistencyText(view.consistency)}`] : []),
  ];
  const waveLines = (wave: StatusView["waves"][number]) => {
    lines.push(`  wave ${wave.name}: ${wave.state}`);
    for (const batch of wave.batches) {
      const marked = (id: string) => `${id}${markOf(batch.steps[id])}`;
      const ids = Object.keys(batch.steps);
      const before = ids.filter((id) => !batch.sideBySide.includes(id)).map(marked);
      const beside =
        batch.sideBySide.length > 0 ? [`(${batch.sideBySide.map(marked).join(" | ")})`] : [];
      const steps = [...before, ...beside].join(" > ");
      lines.push(`    ${batch.label}  ${batch.stages.join(", ")}: ${steps}`);
    }
  };
  // In the order they run: wave 0 (staging), the prestage, the production waves.
  view.waves.filter((wave) => wave.staging).forEach(waveLines);
  if (view.prestage) {
    const states = view.prestage.batches.map((b) => b.state);
    const overall = states.every((st) => st === "done")
      ? "done"
      : states.includes("failed")
        ? "failed"
        : states.some((st) => st !== "pending")
          ? "in progress"
          : "not started";
    lines.push(`  ${PRESTAGE_STEP} (idle colors, no traffic): ${overall}`);
    view.prestage.batches.forEach((batch, index) => {
      lines.push(
        `    batch ${index}  ${batch.stages.join(", ")}: ${PRESTAGE_STEP}${markOf(batch.state)}`,
      );
    });
  }
  view.waves.filter((wave) => !wave.staging).forEach(waveLines);
  if (view.tests.length > 0) lines.push("  test gates (staging):");
  for (const { stage, gates } of view.tests) {
    lines.push(`    ${stage}`);
    for (const gate of gates) lines.push(`      ${describeGate(gate)}`);
  }
  for (const failure of view.failures) lines.push(`  FAILED ${failure.stage}: ${failure.reason}`);
  if (view.rollback) {
    lines.push(
      `  rollback (${view.rollback.scope}) ${view.rollback.state}: ${view.rollback.stages.join(", ") || "(config only)"}`,
    );
  }
  if (view.pendingRequests.length > 0)
    lines.push(`  pending requests: ${view.pendingRequests.join("; ")}`);
  if (view.state === "stopped" || view.state === "paused")
    lines.push("  next: outpost-fleet resume (or abort / rollback)");
  return lines.join("\n");
}

/** `status --history` as a table, newest first. */
export function formatHistory(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return "no releases yet";
  const rows = entries.map((e) => [
    e.release,
    `#${e.attempt}`,
    e.outcome,
    `${e.by}@${e.host}`,
    e.startedAt,
    e.finishedAt ?? "-",
    e.command,
  ]);
  const header = ["release", "try", "outcome", "by", "started", "finished", "command"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}
