import { Listr } from "listr2";
import type { JournalEvent } from "../../automation/journal/journal-events";
import { PRESTAGE_STEP } from "../../automation/plan/plan-types";
import { type WaveStatus, waveStatuses } from "./wave-status";

const FINAL: ReadonlySet<WaveStatus["state"]> = new Set([
  "done",
  "failed",
  "rolled-back",
  "not-started",
]);

const labelOf = (wave: string) => (wave === PRESTAGE_STEP ? "prestage" : `wave ${wave}`);

/**
 * On a terminal: one live line per wave (listr2), fed by polling the journal, until `done`
 * settles and every wave has a final state. `read` returns the journal's events so far.
 */
export async function showWaveProgress(
  read: () => Promise<readonly JournalEvent[]>,
  done: Promise<unknown>,
  pollMs = 500,
): Promise<void> {
  let statuses: WaveStatus[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  const sleep = () => new Promise((resolve) => setTimeout(resolve, pollMs));
  // The plan (and so the list of waves) is in the journal's first event.
  while (statuses.length === 0 && !finished) {
    statuses = waveStatuses(await read().catch(() => []));
    if (statuses.length === 0) await sleep();
  }
  if (statuses.length === 0) return;
  const poller = (async () => {
    for (;;) {
      statuses = waveStatuses(await read().catch(() => []));
      if (finished || statuses.every((s) => FINAL.has(s.state))) return;
      await sleep();
    }
  })();
  const tasks = new Listr(
    statuses.map(({ wave }) => ({
      title: labelOf(wave),
      task: async (_: unknown, task: { title: string; skip: (message?: string) => void }) => {
        for (;;) {
          const status = statuses.find((s) => s.wave === wave);
          if (status) task.title = `${labelOf(wave)}: ${status.text}`;
          if (status?.state === "done") return;
          if (status?.state === "failed" || status?.state === "rolled-back") {
            throw new Error(`${labelOf(wave)}: ${status.text}`);
          }
          if (status?.state === "not-started" || (finished && !status)) {
            return task.skip(`${labelOf(wave)}: not started`);
          }
          if (finished && status && !FINAL.has(status.state)) return;
          await sleep();
        }
      },
    })),
    { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
  );
  await tasks.run().catch(() => undefined);
  await poller;
}
