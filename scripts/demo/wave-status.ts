import type { JournalEvent } from "../../automation/journal/journal-events";
import { PRESTAGE_STEP, type RolloutPlan } from "../../automation/plan/plan-types";

export type WaveState = "waiting" | "running" | "done" | "failed" | "rolled-back" | "not-started";

export interface WaveStatus {
  readonly wave: string;
  readonly state: WaveState;
  /** One line on what the wave is doing or how it ended. */
  readonly text: string;
}

const outpostOf = (stage: string) => stage.slice(stage.indexOf("/") + 1);

/**
 * One status line per wave, in plan order, from the journal so far: what the demo shows live
 * on a terminal. Pure: the same events always give the same lines.
 */
export function waveStatuses(events: readonly JournalEvent[]): WaveStatus[] {
  const started = events.find((e) => e.type === "release-started");
  if (started?.type !== "release-started") return [];
  const finished = events.some((e) => e.type === "release-finished");
  const rolledBack = new Set<string>();
  for (const event of events) {
    if (event.type === "rollback-started") {
      for (const stage of event.stages) rolledBack.add(stageWave(started.plan.waves, stage));
    }
  }
  const rollbackDone = events.some((e) => e.type === "rollback-completed");
  const prestage = started.plan.prestage ? [prestageStatus(events, started.plan)] : [];
  const waves = started.plan.waves.map(({ name, stages }): WaveStatus => {
    const mine = events.filter((e) => "wave" in e && e.wave === name);
    const failed = mine.find((e) => e.type === "stage-failed");
    const lastStep = [...mine].reverse().find((e) => e.type === "step-started");
    const outposts = `${stages.length} Outpost${stages.length === 1 ? "" : "s"}`;
    if (failed?.type === "stage-failed") {
      const back = rollbackDone ? ", rolled back" : ", rolling back";
      return {
        wave: name,
        state: "failed",
        text: `${outpostOf(failed.stage)} failed at ${failed.step}${back}`,
      };
    }
    if (rolledBack.has(name)) {
      const text = rollbackDone ? "rolled back" : "rolling back";
      return { wave: name, state: "rolled-back", text: `${outposts}: ${text}` };
    }
    if (mine.some((e) => e.type === "wave-completed")) {
      return { wave: name, state: "done", text: `${outposts} on ${started.plan.release}` };
    }
    if (lastStep?.type === "step-started") {
      const where = lastStep.stages.map(outpostOf).join(", ");
      return { wave: name, state: "running", text: `${lastStep.step}: ${where}` };
    }
    if (mine.some((e) => e.type === "wave-started")) {
      return { wave: name, state: "running", text: "starting" };
    }
    return finished
      ? { wave: name, state: "not-started", text: "not started" }
      : { wave: name, state: "waiting", text: `${outposts}, waiting` };
  });
  return [...prestage, ...waves];
}

/** The fleet-wide prestage: done once the first wave starts. */
function prestageStatus(events: readonly JournalEvent[], plan: RolloutPlan): WaveStatus {
  const wave = PRESTAGE_STEP;
  const batches = plan.prestage?.batches.length ?? 0;
  const outposts = plan.waves.reduce((sum, w) => sum + w.stages.length, 0);
  const failed = events.find((e) => e.type === "stage-failed" && e.wave === wave);
  if (failed?.type === "stage-failed") {
    return { wave, state: "failed", text: `${outpostOf(failed.stage)} failed, rolling back` };
  }
  if (events.some((e) => e.type === "wave-started")) {
    return { wave, state: "done", text: `${outposts} idle colors warm on ${plan.release}` };
  }
  const started = events.filter((e) => e.type === "step-started" && e.wave === wave).length;
  if (started > 0) return { wave, state: "running", text: `batch ${started} of ${batches}` };
  const finished = events.some((e) => e.type === "release-finished");
  return finished
    ? { wave, state: "not-started", text: "not started" }
    : { wave, state: "waiting", text: `${outposts} idle colors, waiting` };
}

function stageWave(
  waves: readonly { readonly name: string; readonly stages: readonly { readonly id: string }[] }[],
  stage: string,
): string {
  return waves.find((wave) => wave.stages.some((s) => s.id === stage))?.name ?? "";
}
