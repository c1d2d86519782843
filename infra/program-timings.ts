import * as fs from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * For bench/engine-step-cost.ts: with OUTPOST_FLEET_PROGRAM_TIMINGS naming a file, the program
 * appends one JSON line per run: when its node process started, when the program's modules were
 * loaded (this call), and when the process exited (evaluation done, every registration sent),
 * and which file this module ran from (program-timings.ts from the source, .js from the
 * engine's compiled build). Without the variable it does nothing.
 */
export function recordProgramTimings(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.OUTPOST_FLEET_PROGRAM_TIMINGS;
  if (!file) return;
  const processStartedAt = performance.timeOrigin;
  const loadedAt = Date.now();
  process.once("exit", () => {
    const line = { processStartedAt, loadedAt, exitedAt: Date.now(), module: __filename };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
