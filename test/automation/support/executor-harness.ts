import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InMemoryEngine } from "../../../automation/engine/in-memory-engine";
import type { ExecutorDeps } from "../../../automation/executor/execution-context";
import { RolloutExecutor } from "../../../automation/executor/rollout-executor";
import type { FleetStack } from "../../../automation/fleet/fleet-stack";
import {
  type Gate,
  type GatePhase,
  type GateSuite,
  type GateTarget,
  type Measurement,
  type Verdict,
} from "../../../automation/gates/gate";
import { kubernetesRolloutController } from "../../../automation/rollouts/kubernetes-rollout-controller";
import type { JournalEvent } from "../../../automation/journal/journal-events";
import { JournalFile } from "../../../automation/journal/journal-file";
import type { ReleaseJournal } from "../../../automation/journal/release-journal";
import { buildPlan } from "../../../automation/plan/build-plan";
import type {
  ReleaseSchedule,
  RollbackScope,
  RolloutPlan,
} from "../../../automation/plan/plan-types";
import { DEFAULT_SETTINGS } from "../../../automation/settings/driver-settings";
import { type Clock, VirtualClock } from "../../../automation/support/clock";
import { silentLogger } from "../../../automation/support/logger";
import { FakeArgo } from "./fake-argo";
import { exampleFleet } from "./fleet-fixture";

/** A gate whose verdicts the test scripts per stage and phase; it records every call. */
export class ScriptedGates implements GateSuite {
  readonly calls: string[] = [];
  private readonly verdicts = new Map<string, Verdict>();
  private readonly hang = new Set<string>();

  /** All measurements of `stage` (e.g. "eu/eu-op1") in `phase` get `verdict`. */
  set(stage: string, phase: GatePhase, verdict: Verdict): this {
    this.verdicts.set(`${stage}:${phase}`, verdict);
    return this;
  }

  /** Measurements of `stage` in `phase` never answer (the probe must time out). */
  never(stage: string, phase: GatePhase): this {
    this.hang.add(`${stage}:${phase}`);
    return this;
  }

  gatesFor(target: GateTarget): readonly Gate[] {
    const key = `${target.stack}/${target.outpost}:${target.phase}`;
    const gate: Gate = {
      name: "scripted",
      measure: (t: GateTarget, signal: AbortSignal): Promise<Measurement> => {
        this.calls.push(`${t.phase} ${t.stack}/${t.outpost}`);
        if (this.hang.has(key)) {
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(new Error("aborted"))),
          );
        }
        const verdict = this.verdicts.get(key) ?? "pass";
        return Promise.resolve({ verdict, detail: `scripted ${verdict}` });
      },
    };
    return [gate];
  }
}

/** A crash at the N-th journal append: the process "dies" before that event is written. */
export class CrashingJournal extends JournalFile {
  appends = 0;
  constructor(
    file: string,
    now: () => number,
    private readonly crashAt: number,
  ) {
    super(file, now);
  }

  override append(body: Parameters<JournalFile["append"]>[0]): Promise<JournalEvent> {
    // From the N-th on: a dead process appends nothing more, whatever else was in flight.
    if (++this.appends >= this.crashAt) return Promise.reject(new SimulatedCrash(this.crashAt));
    return super.append(body);
  }
}

export class SimulatedCrash extends Error {
  constructor(at: number) {
    super(`simulated crash before journal append #${at}`);
  }
}

export interface HarnessOptions {
  readonly stacks?: FleetStack[];
  readonly scope?: RollbackScope;
  readonly concurrency?: number;
  readonly traffic?: readonly number[];
  readonly eksOutposts?: readonly string[];
  readonly approval?: "none" | "each-wave";
  readonly settings?: Partial<ExecutorDeps["settings"]>;
  /** Pre-stage every idle color before wave 1 (off here, so the older tests keep today's steps). */
  readonly prestage?: boolean;
  /** What may overlap (absent: strict sequence, as plans journaled before it). */
  readonly schedule?: ReleaseSchedule;
  /** The executor's clock instead of the harness's VirtualClock (e.g. bench's EventClock). */
  readonly clock?: Clock;
}

export function makeHarness(options: HarnessOptions = {}) {
  const clock = new VirtualClock();
  const executorClock: Clock = options.clock ?? clock;
  const stacks = options.stacks ?? exampleFleet(2);
  const eksOutposts = options.eksOutposts ?? [];
  const argo = new FakeArgo(
    stacks.flatMap((s) =>
      s.outposts.filter((o) => eksOutposts.includes(o)).map((o) => `${s.name}/${o}`),
    ),
  );
  const engine = new InMemoryEngine(
    stacks.map((s) => ({
      name: s.name,
      target: s.target,
      release: s.release,
      deployment: s.deployment,
      eksOutposts,
    })),
    {
      onDeployed: (stack, outpost, state) => {
        if (eksOutposts.includes(outpost))
          argo.applyImage(`${stack}/${outpost}`, state.rolloutVersion);
      },
    },
  );
  const gates = new ScriptedGates();
  // The driver's real Kubernetes controller, talking to Argo Rollouts in memory.
  const rollouts = kubernetesRolloutController(argo.apiFor);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-journal-"));
  const file = path.join(dir, "releases", "2.1.0.jsonl");
  const plan: RolloutPlan = buildPlan({
    release: "2.1.0",
    stacks,
    waveOrder: stacks.map((s) => s.regionGroup),
    concurrency: { count: options.concurrency ?? 1 },
    traffic: { aws: options.traffic ?? [100], local: options.traffic ?? [10, 50, 100] },
    eksCanary: true,
    rollbackScope: options.scope ?? "wave",
    prestage: options.prestage ?? false,
    ...(options.schedule ? { schedule: options.schedule } : {}),
  });
  const settings: ExecutorDeps["settings"] = {
    ...DEFAULT_SETTINGS,
    bakeSeconds: 60,
    scaleDownDelaySeconds: 30,
    approval: options.approval ?? "none",
    analysis: {
      ...DEFAULT_SETTINGS.analysis,
      consecutiveSuccesses: 2,
      failureLimit: 0,
      consecutiveErrorLimit: 2,
    },
    awsRegions: {},
    rollbackAttempts: 2,
    ...options.settings,
  };
  const deps = (
    journal: ReleaseJournal = new JournalFile(file, () => executorClock.now()),
  ): ExecutorDeps => ({
    engine,
    gates,
    rollouts,
    journal,
    clock: executorClock,
    log: silentLogger(),
    settings,
    actor: { user: "tester", host: "test-host", pid: 4242 },
  });
  return {
    clock,
    engine,
    gates,
    rollouts,
    argo,
    plan,
    file,
    dir,
    deps,
    executor: (journal?: ReleaseJournal) => new RolloutExecutor(deps(journal)),
    events: async () => (await new JournalFile(file).read()).events,
    /** The changes the engine saw, one readable line each. */
    changes: () =>
      engine.changes().map((o) => {
        const outposts = o.outposts && o.outposts.length > 0 ? ` [${o.outposts.join(",")}]` : "";
        const release = o.op === "write-config" && o.release ? ` release=${o.release}` : "";
        return `${o.op} ${o.stack}${outposts}${release}`;
      }),
  };
}
