/**
 * What the fleet-wide prestage saves: the time to deploy a release across fleets of 12, 50 and
 * 100 Outposts (three region waves, AWS target, one stack per region) with and without
 * `prestage`, on the in-memory engine with realistic operation times on a discrete-event
 * virtual clock, so an hour of rollout runs in well under a second.
 *
 * The model of AWS (the in-memory engine's `timing`, per `up`; an up's Outposts change in
 * parallel, so it lasts as long as its slowest Outpost):
 *   - idle launch: 240 s, for an Outpost whose idle color gets a new version or is scaled up
 *     (instances boot, targets turn healthy);
 *   - listener change: 5 s, for any other change (flip, weight, scale-down, stack-wide sync);
 *   - bake: 300 s (driver.yaml); verify and the post-flip gates pass at once but need
 *     consecutiveSuccesses (3) measurements intervalSeconds (10 s) apart: 20 s each;
 *   - scale-down delay before finalize: 120 s (driver.yaml); previews and config writes: 0 s.
 * Gates always pass; the driver, plan, journal (in memory) and engine are the real ones.
 *
 *   npm run bench:prestage [-- --launch-s 240 --listener-s 5 --bake-s 300]
 */
import * as os from "node:os";
import { InMemoryEngine, type OperationTiming } from "../automation/engine/in-memory-engine";
import { RolloutExecutor } from "../automation/executor/rollout-executor";
import { awsFleetOf, REGIONS } from "./lib/aws-fleet";
import type { GateSuite } from "../automation/gates/gate";
import { settledRollouts } from "../automation/rollouts/rollout-controller";
import type { JournalEvent, JournalEventBody } from "../automation/journal/journal-events";
import type { ReleaseJournal } from "../automation/journal/release-journal";
import { buildPlan } from "../automation/plan/build-plan";
import type { Concurrency } from "../automation/plan/concurrency";
import type { RolloutPlan } from "../automation/plan/plan-types";
import { DEFAULT_SETTINGS } from "../automation/settings/driver-settings";
import { silentLogger } from "../automation/support/logger";
import { EventClock } from "./lib/event-clock";

const RELEASE = "2.1.0";

export interface Timings {
  readonly launchS: number;
  readonly listenerS: number;
  readonly bakeS: number;
}

export const AWS_TIMINGS: Timings = { launchS: 240, listenerS: 5, bakeS: 300 };

/** An `up` lasts as long as its slowest Outpost: a launch, a listener change, or nothing. */
export function awsTiming(timings: Timings): OperationTiming {
  return (operation, changes) => {
    if (operation.op !== "up") return 0;
    if (operation.outposts === undefined) return timings.listenerS * 1000; // stack-wide sync
    const launches = changes.some(({ before, after }) => {
      if (before === undefined || after === undefined) return false;
      const idle = after.activeColor === "blue" ? "green" : "blue";
      const version = idle === "blue" ? "blueVersion" : "greenVersion";
      return after.idleWarm && (!before.idleWarm || before[version] !== after[version]);
    });
    const changed = changes.some(
      ({ before, after }) => JSON.stringify(before) !== JSON.stringify(after),
    );
    return launches ? timings.launchS * 1000 : changed ? timings.listenerS * 1000 : 0;
  };
}

/** The journal in memory: no file I/O, so the event clock sees every wait. */
class MemoryJournal implements ReleaseJournal {
  readonly location = "memory";
  private readonly events: JournalEvent[] = [];
  constructor(private readonly now: () => number) {}

  read(): Promise<{ events: JournalEvent[]; tornTail: boolean }> {
    return Promise.resolve({ events: [...this.events], tornTail: false });
  }

  append(body: JournalEventBody): Promise<JournalEvent> {
    const event = {
      ...body,
      seq: this.events.length + 1,
      at: new Date(this.now()).toISOString(),
    } as JournalEvent;
    this.events.push(event);
    return Promise.resolve(event);
  }
}

const passingGates: GateSuite = {
  gatesFor: () => [
    { name: "pass", measure: () => Promise.resolve({ verdict: "pass", detail: "ok" }) },
  ],
};

export interface FleetRun {
  readonly plan: RolloutPlan;
  /** Virtual seconds from the start to the release finished. */
  readonly seconds: number;
  /** Virtual seconds before wave 1 started (preflight and, with it on, the prestage). */
  readonly beforeWave1: number;
  readonly ups: number;
  /** Outpost-hours with both colors warm (the idle color's instances running beside the active). */
  readonly twoColorHours: number;
  readonly wallMs: number;
}

/** One release across a fleet of `outposts`, on the event clock; throws unless it succeeds. */
export async function deployFleet(
  outposts: number,
  concurrency: Concurrency,
  prestage: boolean,
  timings: Timings = AWS_TIMINGS,
): Promise<FleetRun> {
  const stacks = awsFleetOf(outposts);
  const clock = new EventClock();
  const model = awsTiming(timings);
  // The cost: how long each Outpost runs both colors warm (from the start of the up that
  // warms its idle color to the start of the one that scales the old color down).
  const warmSince = new Map<string, number>();
  let twoColorMs = 0;
  const timing: OperationTiming = (operation, changes) => {
    for (const { outpost, before, after } of changes) {
      const id = `${operation.stack}/${outpost}`;
      if (after?.idleWarm && !before?.idleWarm) warmSince.set(id, clock.now());
      if (before?.idleWarm && after && !after.idleWarm) {
        twoColorMs += clock.now() - (warmSince.get(id) ?? clock.now());
        warmSince.delete(id);
      }
    }
    return model(operation, changes);
  };
  const engine = new InMemoryEngine(
    stacks.map((s) => ({
      name: s.name,
      target: s.target,
      release: s.release,
      deployment: s.deployment,
    })),
    { clock, timing },
  );
  const plan = buildPlan({
    release: RELEASE,
    stacks,
    waveOrder: REGIONS,
    concurrency,
    traffic: { aws: [100], local: [10, 50, 100] },
    eksCanary: false,
    rollbackScope: "wave",
    prestage,
  });
  const journal = new MemoryJournal(() => clock.now());
  const executor = new RolloutExecutor({
    engine,
    gates: passingGates,
    rollouts: settledRollouts,
    journal,
    clock,
    log: silentLogger(),
    settings: { ...DEFAULT_SETTINGS, bakeSeconds: timings.bakeS, awsRegions: {} },
    actor: { user: "bench", host: os.hostname(), pid: process.pid },
  });
  const started = clock.now();
  const wallStarted = performance.now();
  const outcome = await executor.start(plan, "bench");
  const wallMs = performance.now() - wallStarted;
  if (outcome.kind !== "succeeded")
    throw new Error(`bench release did not succeed: ${JSON.stringify(outcome)}`);
  for (const stack of stacks) {
    for (const outpost of stack.outposts) {
      const state = engine.deployedState(stack.name, outpost);
      if (state.activeColor !== "green" || state.greenVersion !== RELEASE || state.idleWarm) {
        throw new Error(`${stack.name}/${outpost} did not end on ${RELEASE}`);
      }
    }
  }
  const { events } = await journal.read();
  const wave1 = events.find((e) => e.type === "wave-started");
  return {
    plan,
    seconds: (clock.now() - started) / 1000,
    beforeWave1: wave1 ? (Date.parse(wave1.at) - started) / 1000 : 0,
    ups: engine.operations.filter((o) => o.op === "up").length,
    twoColorHours: twoColorMs / 3_600_000,
    wallMs,
  };
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const timings: Timings = {
    launchS: argument("launch-s", AWS_TIMINGS.launchS),
    listenerS: argument("listener-s", AWS_TIMINGS.listenerS),
    bakeS: argument("bake-s", AWS_TIMINGS.bakeS),
  };
  const sizes = [12, 50, 100];
  const settings: [string, Concurrency][] = [
    ['"50%" (driver.yaml)', { percent: 50 }],
    ["10 at a time", { count: 10 }],
  ];
  console.log(
    `prestage bench: ${REGIONS.length} waves (one AWS stack each), idle launch ${timings.launchS} s, ` +
      `listener change ${timings.listenerS} s, bake ${timings.bakeS} s, verify and post-flip gates ` +
      `20 s each, scale-down delay ${DEFAULT_SETTINGS.scaleDownDelaySeconds} s; virtual time\n`,
  );
  let wall = 0;
  for (const [label, concurrency] of settings) {
    console.log(`concurrency ${label}`);
    console.log(
      "  outposts  batches  prestage batches  prestage off  prestage on  (before wave 1)    saved  on/off" +
        "  two-color Outpost-h off  on",
    );
    for (const size of sizes) {
      const off = await deployFleet(size, concurrency, false, timings);
      const on = await deployFleet(size, concurrency, true, timings);
      wall += off.wallMs + on.wallMs;
      const batches = off.plan.waves.reduce(
        (sum, w) => sum + new Set(w.stages.map((s) => s.batch)).size,
        0,
      );
      console.log(
        `  ${String(size).padStart(8)}  ${String(batches).padStart(7)}` +
          `  ${String(on.plan.prestage?.batches.length ?? 0).padStart(16)}` +
          `  ${minutes(off.seconds).padStart(12)}  ${minutes(on.seconds).padStart(11)}` +
          `  ${minutes(on.beforeWave1).padStart(15)}` +
          `  ${minutes(off.seconds - on.seconds).padStart(8)}  ${(on.seconds / off.seconds).toFixed(2).padStart(6)}` +
          `  ${off.twoColorHours.toFixed(1).padStart(23)}  ${on.twoColorHours.toFixed(1).padStart(6)}`,
      );
    }
    console.log("");
  }
  console.log(
    `(${sizes.length * settings.length * 2} releases simulated in ${(wall / 1000).toFixed(2)} s of wall time)`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
