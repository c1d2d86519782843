import { markRun, type RunProcess, runProcesses } from "./run-processes";

// A root hook (registered in .mocharc.json): the run ends with no process of its own left.
// Tests stop what they start; a process still here after every suite is a leak, named here
// with its parent (1 when orphaned) so the test that started it can be found. The leak is
// killed after the report, so a failing run leaves nothing behind either.

const mark = markRun();

/** Long enough for a CLI that just exited to have stopped its plugins; a clean run waits 0. */
const SETTLE_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listing(found: readonly RunProcess[]): string {
  return found
    .map((p) => `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}): ${p.command}`)
    .join("\n");
}

function kill(found: readonly RunProcess[]): void {
  for (const { pid } of found) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(SETTLE_MS + 5_000);
    const deadline = Date.now() + SETTLE_MS;
    let found = runProcesses(mark);
    while (found.length > 0 && Date.now() < deadline) {
      await sleep(100);
      found = runProcesses(mark);
    }
    if (found.length === 0) return;
    kill(found);
    throw new Error(
      `the test run left ${found.length} process(es) of its own running (now killed):\n${listing(found)}`,
    );
  },
};
