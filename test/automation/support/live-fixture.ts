import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DriverLauncher } from "../../../automation/operations/operator-actions";
import type { ExecutorDeps } from "../../../automation/executor/execution-context";
import { RolloutExecutor } from "../../../automation/executor/rollout-executor";
import type { FleetStack } from "../../../automation/fleet/fleet-stack";
import type {
  Gate,
  GatePhase,
  GateSuite,
  GateTarget,
  Measurement,
} from "../../../automation/gates/gate";
import type { HeldLock } from "../../../automation/lock/fleet-lock";
import { type FleetStore, openFleetStore } from "../../../automation/store/fleet-store";
import type { JournalEvent, JournalEventBody } from "../../../automation/journal/journal-events";
import { makeHarness } from "./executor-harness";
import { fleetStack } from "./fleet-fixture";

/**
 * Gates that report figures the way the HTTP probe does (error rate against its maximum, p99
 * against its limit): passing everywhere except where a test makes a stage's phase fail.
 */
export class FigureGates implements GateSuite {
  private readonly failing = new Set<string>();

  failOn(stage: string, phase: GatePhase): this {
    this.failing.add(`${stage}:${phase}`);
    return this;
  }

  gatesFor(target: GateTarget): readonly Gate[] {
    const failing = this.failing.has(`${target.stack}/${target.outpost}:${target.phase}`);
    const probe: Gate = {
      name: "http-probe",
      measure: (): Promise<Measurement> =>
        Promise.resolve({
          verdict: failing ? "fail" : "pass",
          detail: failing ? "error rate 31.5 % above 1 %" : "healthy",
          figures: [
            {
              name: "error rate",
              value: failing ? 31.5 : 0.2,
              unit: "%",
              threshold: 1,
              limit: "max",
            },
            { name: "p99", value: 42, unit: "ms", threshold: 500, limit: "max" },
          ],
        }),
    };
    const version: Gate = {
      name: "outputs-version",
      measure: (): Promise<Measurement> =>
        Promise.resolve({ verdict: "pass", detail: "outputs report the release" }),
    };
    return target.phase === "verify" ? [version, probe] : [probe];
  }
}

/** Two local-target waves of two Outposts: traffic moves 10 -> 50 -> 100 on each. */
export function liveFleet(): FleetStack[] {
  return [
    fleetStack("local-us", ["nyc-op1", "nyc-op2"], { regionGroup: "us", target: "local" }),
    fleetStack("local-eu", ["fra-op1", "fra-op2"], {
      regionGroup: "eu",
      target: "local",
      awsRegion: "eu-central-1",
    }),
  ];
}

export interface RecordedRelease {
  /** Every event of the run, as the executor appended them. */
  readonly events: JournalEvent[];
  readonly dir: string;
}

/**
 * Runs a release with the real executor on the in-memory engine and returns its journal: the
 * same events a driver would write, in order, for a test to play back.
 */
export async function recordRelease(
  options: {
    readonly gates?: FigureGates;
    readonly approval?: "none" | "each-wave";
    readonly deps?: (deps: ExecutorDeps) => ExecutorDeps;
    readonly prestage?: boolean;
  } = {},
): Promise<RecordedRelease> {
  const h = makeHarness({
    stacks: liveFleet(),
    traffic: [10, 50, 100],
    concurrency: 1,
    approval: options.approval,
    prestage: options.prestage,
  });
  const base = { ...h.deps(), gates: options.gates ?? new FigureGates() };
  const executor = new RolloutExecutor(options.deps ? options.deps(base) : base);
  await executor.start(h.plan, "outpost-fleet deploy --release 2.1.0 --stacks local-us,local-eu");
  return { events: await h.events(), dir: h.dir };
}

/** The body of an event, as a driver would hand it to `append`. */
export function bodyOf(event: JournalEvent): JournalEventBody {
  const body: Record<string, unknown> = { ...event };
  delete body.seq;
  delete body.at;
  return body as JournalEventBody;
}

/** A fresh journal folder holding the first `count` events of `events`. */
export async function journalWith(
  events: readonly JournalEvent[],
  count: number,
  release = "2.1.0",
): Promise<{ store: FleetStore; append: (index: number) => Promise<JournalEvent> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-live-"));
  const store = openFleetStore({ kind: "file", dir });
  const journal = store.journals.journal(release);
  for (const event of events.slice(0, count)) await journal.append(bodyOf(event));
  return { store, append: (index) => journal.append(bodyOf(events[index])) };
}

/** Holds the fleet lock as a running driver of `release` would (this process is its pid). */
export function holdLock(store: FleetStore, release = "2.1.0"): Promise<HeldLock> {
  return store.lock.acquire({
    user: "driver",
    host: os.hostname(),
    pid: process.pid,
    command: `outpost-fleet deploy --release ${release}`,
    release,
  });
}

/** The index of the first event matching `predicate` (throws when there is none). */
export function indexOf(
  events: readonly JournalEvent[],
  predicate: (event: JournalEvent) => boolean,
): number {
  const index = events.findIndex(predicate);
  if (index < 0) throw new Error("no such event in the recorded release");
  return index;
}

/**
 * What `outpost-fleet resume` and `abort` would run, on the in-memory engine: takes the fleet
 * lock, runs the real executor on the store's journal, gives the lock back.
 */
export function inMemoryLauncher(store: FleetStore): DriverLauncher {
  const h = makeHarness({ stacks: liveFleet(), traffic: [10, 50, 100], concurrency: 1 });
  return async ({ release }, run) => {
    const actor = { user: "ui-tester", host: os.hostname(), pid: process.pid };
    const lock = await store.lock.acquire({ ...actor, command: "test driver", release });
    try {
      const journal = store.journals.journal(release);
      const executor = new RolloutExecutor({ ...h.deps(journal), gates: new FigureGates(), actor });
      return await run(executor, { journal, actor });
    } finally {
      await lock.release();
    }
  };
}
