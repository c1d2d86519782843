/**
 * Benchmark of the rollout driver: a whole release across fleets of 12, 50 and 100 Outposts
 * (three region waves) on the in-memory engine, each engine operation taking a fixed delay,
 * gates that pass. Reports wall time, T(100)/T(12) and the driver's own CPU time
 * (process.cpuUsage). The goal: time grows with the number of waves, not of Outposts, because
 * a batch costs one config write and one targeted update per stack whatever its size.
 *
 *   npx ts-node --transpile-only bench/driver-fleet.ts [--delay-ms 25] [--repeat 2]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InMemoryEngine } from "../automation/engine/in-memory-engine";
import { RolloutExecutor } from "../automation/executor/rollout-executor";
import { awsFleetOf, REGIONS } from "./lib/aws-fleet";
import type { GateSuite } from "../automation/gates/gate";
import { settledRollouts } from "../automation/rollouts/rollout-controller";
import { JournalFile } from "../automation/journal/journal-file";
import { buildPlan } from "../automation/plan/build-plan";
import type { Concurrency } from "../automation/plan/concurrency";
import { DEFAULT_SETTINGS } from "../automation/settings/driver-settings";
import { systemClock } from "../automation/support/clock";
import { silentLogger } from "../automation/support/logger";

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** A gate per Outpost that answers at once: the bench measures the driver, not the gates. */
const passingGates: GateSuite = {
  gatesFor: () => [
    { name: "pass", measure: () => Promise.resolve({ verdict: "pass", detail: "ok" }) },
  ],
};
async function deployOnce(outposts: number, concurrency: Concurrency, delayMs: number) {
  const stacks = awsFleetOf(outposts);
  const engine = new InMemoryEngine(
    stacks.map((s) => ({
      name: s.name,
      target: s.target,
      release: s.release,
      deployment: s.deployment,
    })),
    {
      clock: systemClock,
      delayMs,
    },
  );
  const plan = buildPlan({
    release: "2.1.0",
    stacks,
    waveOrder: REGIONS,
    concurrency,
    traffic: { aws: [100], local: [10, 50, 100] },
    eksCanary: false,
    rollbackScope: "wave",
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-bench-"));
  const executor = new RolloutExecutor({
    engine,
    gates: passingGates,
    rollouts: settledRollouts,
    journal: new JournalFile(path.join(dir, "journal.jsonl")),
    clock: systemClock,
    log: silentLogger(),
    settings: {
      ...DEFAULT_SETTINGS,
      bakeSeconds: 0.05,
      scaleDownDelaySeconds: 0,
      analysis: { ...DEFAULT_SETTINGS.analysis, intervalSeconds: 0.01, consecutiveSuccesses: 1 },
      awsRegions: {},
    },
    actor: { user: "bench", host: os.hostname(), pid: process.pid },
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await executor.start(plan, "bench");
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  fs.rmSync(dir, { recursive: true, force: true });
  if (outcome.kind !== "succeeded")
    throw new Error(`bench release did not succeed: ${JSON.stringify(outcome)}`);
  const batches = plan.waves.reduce(
    (sum, w) => sum + new Set(w.stages.map((s) => s.batch)).size,
    0,
  );
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    operations: engine.operations.length,
    batches,
  };
}

async function main(): Promise<void> {
  const delayMs = argument("delay-ms", 25);
  const repeat = argument("repeat", 2);
  const sizes = [12, 50, 100];
  const settings: [string, Concurrency][] = [
    ["50% (driver.yaml default)", { percent: 50 }],
    ["10 at a time", { count: 10 }],
  ];
  await deployOnce(12, { percent: 50 }, 1); // warm up the JIT and the file system
  console.log(
    `driver bench: ${REGIONS.length} waves, fixed ${delayMs} ms per engine operation, best of ${repeat}\n`,
  );
  for (const [label, concurrency] of settings) {
    console.log(`concurrency ${label}`);
    console.log(
      "  outposts  batches  engine ops   wall (s)   driver CPU (ms)   CPU per Outpost (ms)   CPU share",
    );
    const wall: Record<number, number> = {};
    for (const size of sizes) {
      let best: Awaited<ReturnType<typeof deployOnce>> | undefined;
      for (let i = 0; i < repeat; i++) {
        const run = await deployOnce(size, concurrency, delayMs);
        if (best === undefined || run.wallMs < best.wallMs) best = run;
      }
      if (best === undefined) continue;
      wall[size] = best.wallMs;
      console.log(
        `  ${String(size).padStart(8)}  ${String(best.batches).padStart(7)}  ${String(best.operations).padStart(10)}` +
          `  ${(best.wallMs / 1000).toFixed(2).padStart(9)}  ${best.cpuMs.toFixed(0).padStart(16)}` +
          `  ${(best.cpuMs / size).toFixed(2).padStart(21)}  ${((100 * best.cpuMs) / best.wallMs).toFixed(1).padStart(9)}%`,
      );
    }
    console.log(`  T(100)/T(12) = ${(wall[100] / wall[12]).toFixed(2)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
