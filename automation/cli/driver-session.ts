import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RolloutExecutor } from "../executor/rollout-executor";
import { executorSettings } from "../executor/executor-settings";
import type { RunOutcome } from "../executor/run-outcome";
import type { FleetStack } from "../fleet/fleet-stack";
import type { Actor, JournalEvent } from "../journal/journal-events";
import { JournalFile } from "../journal/journal-file";
import type { ReleaseJournal } from "../journal/release-journal";
import { currentActor, journalDirFrom, JournalStore } from "../journal/journal-store";
import type { RolloutPlan } from "../plan/plan-types";
import { Notifier } from "../notify/notifier";
import { runUrlFrom } from "../notify/run-url";
import { releasePolicyConfigWriter } from "../policy/release-policy-config";
import { activeFreezeWindow } from "../settings/freeze-windows";
import type { DriverSettings } from "../settings/driver-settings";
import { systemClock } from "../support/clock";
import { createLogger, type Logger } from "../support/logger";
import { terminalPrompt } from "./approval-prompt";
import type { CliIo } from "./cli-io";
import { withFleetLock } from "./fleet-lock-session";
import { progressReporter } from "./progress-reporter";
import type { CommonArgs } from "./rollout-options";
import { type EngineArgs, realEngine, realGates, simulatedRuntime } from "./runtime";

export interface SessionOptions {
  readonly io: CliIo;
  readonly args: CommonArgs & EngineArgs;
  readonly projectDir: string;
  readonly settings: DriverSettings;
  readonly fleet: readonly FleetStack[];
  readonly release: string;
  /** The command line, recorded in the lock and the journal. */
  readonly command: string;
  /** Also told of each journal event this driver appends (the live view). */
  readonly onEvent?: (event: JournalEvent) => void;
}

export function loggerFor(io: CliIo, json: boolean): Logger {
  return createLogger({ json, destination: json ? io.stdout : io.stderr });
}

/**
 * Runs the executor as the one driver of the fleet: takes the lock (taking over a stale one,
 * naming its holder), wires the real engine and gates, reports progress from the journal, turns
 * the first Ctrl-C into a pause at the next step boundary, and always gives the lock back.
 */
export async function runDriver(
  options: SessionOptions,
  run: (
    executor: RolloutExecutor,
    session: { journal: ReleaseJournal; actor: Actor },
  ) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const { io, args, settings, release, command } = options;
  const log = loggerFor(io, args.json);
  const store = new JournalStore(journalDirFrom(args["journal-dir"], options.projectDir, io.env));
  const actor = currentActor(io.env);
  const lockRequest = { journalDir: store.dir, command, release, log, env: io.env };
  const journal = store.journal(release);
  // Sinks hear of milestones in the background; a dead one never holds the release up.
  const notifier = new Notifier({
    settings: settings.notifications,
    journal,
    context: {
      regions: regionsOf(options.fleet),
      approval: settings.approval,
      runUrl: runUrlFrom(io.env),
      frozenAt: (time) => activeFreezeWindow(settings.freezeWindows, time) !== undefined,
    },
    env: io.env,
    log,
  });
  try {
    return await withFleetLock(lockRequest, async (lock) => {
      let interrupts = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        if (++interrupts > 1) {
          log.error(`${signal} again: stopping now; run resume to continue from the journal`);
          process.exit(130);
        }
        log.warn(`${signal}: pausing at the next step boundary (again to stop at once)`);
        journal
          .append({ type: "pause-requested", by: actor })
          .catch((err: unknown) => log.error(`could not record the pause request: ${String(err)}`));
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        const engine = await realEngine(args, options.projectDir, log);
        const { gates, rollouts } = realGates(settings, engine);
        const report = progressReporter(log);
        const interactive = io.stdin.isTTY === true && !args.json;
        const executor = new RolloutExecutor({
          engine,
          gates,
          rollouts,
          journal,
          clock: systemClock,
          log,
          settings: executorSettings(settings, regionsOf(options.fleet)),
          actor,
          prompt: interactive ? terminalPrompt(io) : undefined,
          releasePolicyConfig: releasePolicyConfigWriter(
            engine,
            path.join(store.dir, "policy-config", release),
          ),
          onEvent: (event) => {
            report(event);
            lock.heartbeat();
            notifier.notify(event);
            options.onEvent?.(event);
          },
        });
        return await run(executor, { journal, actor });
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
  } finally {
    // After the lock is free: another driver need not wait for the last deliveries.
    await notifier.close();
  }
}

export function regionsOf(fleet: readonly FleetStack[]): Record<string, string | undefined> {
  return Object.fromEntries(fleet.map((stack) => [stack.name, stack.awsRegion]));
}

/**
 * --dry-run: runs the plan against an engine simulated from the stack files, in a scratch
 * journal, and returns every engine operation a real run would make, in order.
 */
export async function simulate(
  plan: RolloutPlan,
  fleet: readonly FleetStack[],
  settings: DriverSettings,
): Promise<{ outcome: RunOutcome; operations: string[] }> {
  const runtime = simulatedRuntime(fleet);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-dry-run-"));
  try {
    const executor = new RolloutExecutor({
      ...runtime,
      journal: new JournalFile(path.join(scratch, "journal.jsonl"), () => runtime.clock.now()),
      log: createLogger({ json: true, level: "silent" }),
      settings: {
        ...executorSettings(settings, regionsOf(fleet)),
        approval: "none",
        freezeWindows: [],
      },
      actor: currentActor(),
    });
    const outcome = await executor.start(plan, "deploy --dry-run");
    const operations = runtime.engine.changes().map((op) => {
      const outposts = op.outposts?.length ? ` [${op.outposts.join(", ")}]` : "";
      const release = op.release ? ` release=${op.release}` : "";
      return `${op.op} ${op.stack}${outposts}${release}`;
    });
    return { outcome, operations };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
