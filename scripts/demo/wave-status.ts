import type { JournalEvent } from "../../automation/journal/journal-events";

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
  return started.plan.waves.map(({ name, stages }) => {
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
}

function stageWave(
  waves: readonly { readonly name: string; readonly stages: readonly { readonly id: string }[] }[],
  stage: string,
): string {
  return waves.find((wave) => wave.stages.some((s) => s.id === stage))?.name ?? "";
}
