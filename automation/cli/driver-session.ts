import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RolloutExecutor } from "../executor/rollout-executor";
import { executorSettings } from "../executor/executor-settings";
import type { RunOutcome } from "../executor/run-outcome";
import type { FleetStack } from "../fleet/fleet-stack";
import { type EngineProfile, requirePassphrases } from "../engine/engine-profile";
import { EngineTimer, type EngineTimings, timedEngine } from "../engine/timed-engine";
import type { FleetStore } from "../store/fleet-store";
import type { Actor, JournalEvent } from "../journal/journal-events";
import { JournalFile } from "../journal/journal-file";
import { isStoreUnavailable, LockGuardedJournal } from "../lock/lock-guarded-journal";
import type { ReleaseJournal } from "../journal/release-journal";
import { currentActor } from "../journal/journal-store";
import { withFleetLock } from "../lock/with-fleet-lock";
import type { RolloutPlan } from "../plan/plan-types";
import { metricsSinkFrom } from "../metrics/metrics-sink";
import { Notifier } from "../notify/notifier";
import { runUrlFrom } from "../notify/run-url";
import { releasePolicyConfigWriter } from "../policy/release-policy-config";
import type { DriverSettings } from "../settings/driver-settings";
import { activeFreezeWindow } from "../settings/freeze-windows";
import { systemClock } from "../support/clock";
import { createLogger, type Logger } from "../support/logger";
import { terminalPrompt } from "./approval-prompt";
import type { CliIo } from "./cli-io";
import { journalPlace, openStore, profileFor } from "./driver-places";
import { githubAnnotations, writeGithubSummary } from "./github-actions";
import { noticeReporter } from "./outcome-text";
import { progressReporter } from "./progress-reporter";
import type { CommonArgs } from "./rollout-options";
import { type EngineArgs, realEngine, realGates, simulatedRuntime } from "./engine-options";

export interface SessionOptions {
  readonly io: CliIo;
  readonly args: CommonArgs & EngineArgs;
  readonly projectDir: string;
  readonly settings: DriverSettings;
  /** The stacks the release acts on: they choose the engine profile. */
  readonly fleet: readonly FleetStack[];
  readonly release: string;
  /** The command line, recorded in the lock and the journal. */
  readonly command: string;
  /** Also told of each journal event as it is appended (`deploy --ui`: the live view). */
  readonly onEvent?: (event: JournalEvent) => void;
}

export function loggerFor(io: CliIo, json: boolean): Logger {
  return createLogger({ json, destination: json ? io.stdout : io.stderr });
}

/** The engine profile and the store (journals + lock) of a session; refusals exit 2. */
export function sessionPlaces(
  options: Pick<SessionOptions, "io" | "args" | "projectDir" | "settings" | "fleet">,
): { profile: EngineProfile; store: FleetStore } {
  const { io, args, projectDir, settings, fleet } = options;
  const profile = profileFor(args, fleet, io.env);
  if (profile.kind === "backend") requirePassphrases(fleet, profile.backendUrl, io.env);
  const store = openStore(journalPlace(args, projectDir, profile, io.env), settings.lock, io.env);
  return { profile, store };
}

/**
 * Runs the executor as the one driver of the fleet: checks the profile and passphrases, takes
 * the lock (taking over a stale one, naming its holder) and beats its heartbeat, wires the
 * real engine and gates, reports progress from the journal, and always gives the lock back.
 */
export async function runDriver(
  options: SessionOptions,
  run: (executor: RolloutExecutor, session: DriverSession) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const { io, args, settings, release, command } = options;
  const log = loggerFor(io, args.json);
  const { profile, store } = sessionPlaces(options);
  const timer = new EngineTimer(systemClock);
  const actor = currentActor(io.env);
  // Sinks hear of milestones in the background; a dead one never holds the release up.
  const notifier = new Notifier({
    settings: settings.notifications,
    journal: store.journals.journal(release),
    context: {
      regions: regionsOf(options.fleet),
      approval: settings.approval,
      runUrl: runUrlFrom(io.env),
      frozenAt: (time) => activeFreezeWindow(settings.freezeWindows, time) !== undefined,
    },
    env: io.env,
    log,
  });
  // Release metrics (OUTPOST_FLEET_METRICS; off by default) hear the same events.
  const metrics = metricsSinkFrom(io.env, release, log);
  const outcome = await driveUnderLock(
    { store, actor, command, release, settings, log },
    async (journal, policyConfigDir) => {
      const engine = timedEngine(
        await realEngine(profile, args, options.projectDir, log, io.env),
        timer,
      );
      const { gates, rollouts } = realGates(settings, engine);
      const report = progressReporter(log);
      const annotate = githubAnnotations(io);
      const interactive = io.stdin.isTTY === true && !args.json;
      return new RolloutExecutor({
        engine,
        gates,
        rollouts,
        journal,
        clock: systemClock,
        log,
        settings: executorSettings(settings, regionsOf(options.fleet)),
        actor,
        prompt: interactive ? terminalPrompt(io) : undefined,
        releasePolicyConfig: releasePolicyConfigWriter(engine, policyConfigDir),
        onEvent: (event) => {
          report(event);
          annotate(event);
          notifier.notify(event);
          metrics.record(event);
          options.onEvent?.(event);
        },
        onNotice: noticeReporter(log),
      });
    },
    run,
  ).finally(() => Promise.all([notifier.close(), metrics.close()]));
  await writeGithubSummary(io, store.journals.journal(release), outcome, log);
  reportTimings(timer.report(), args.timings, log);
  return outcome;
}

/** One line on where the time went; with --timings, the figures as JSON too. */
function reportTimings(timings: EngineTimings, file: string | undefined, log: Logger): void {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const calls = Object.values(timings.calls).reduce((sum, n) => sum + n, 0);
  log.info(
    `time: ${seconds(timings.engineMs)} s in ${calls} engine calls, ${seconds(timings.driverMs)} s ` +
      `in gates, bakes and the driver (${seconds(timings.wallMs)} s in all)`,
  );
  if (file === undefined) return;
  try {
    fs.writeFileSync(file, `${JSON.stringify(timings, null, 2)}\n`);
  } catch (err) {
    log.warn(`could not write --timings ${file}: ${(err as Error).message}`);
  }
}

export interface DriverSession {
  readonly journal: ReleaseJournal;
  readonly actor: Actor;
}

/**
 * The driver's life under the fleet lock, whatever its engine: the executor that `build`
 * makes gets the release's journal behind the lock's guard. The first Ctrl-C (or SIGTERM)
 * asks for a pause at the next step boundary, a second one stops at once. A journal store
 * that stops answering stops the driver at a step boundary (outcome paused, exit 6) with
 * every event it acknowledged kept; a lost lock stops it with exit 5.
 */
export async function driveUnderLock(
  session: {
    readonly store: FleetStore;
    readonly actor: Actor;
    readonly command: string;
    readonly release: string;
    readonly settings: DriverSettings;
    readonly log: Logger;
  },
  build: (journal: ReleaseJournal, scratchDir: string) => Promise<RolloutExecutor>,
  run: (executor: RolloutExecutor, session: DriverSession) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const { store, actor, command, release, settings, log } = session;
  return withFleetLock(
    store,
    { ...actor, command, release },
    { heartbeatMs: settings.lock.heartbeatSeconds * 1000, log },
    async (keeper) => {
      const journal = new LockGuardedJournal(
        store.journals.journal(release),
        keeper,
        actor,
        (why) => log.warn(why),
      );
      // Per-run files for the engine (policy config): never in the project or journal folder.
      const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-run-"));
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
        return await run(await build(journal, scratchDir), { journal, actor });
      } catch (err) {
        if (!isStoreUnavailable(err)) throw err;
        const reason =
          `${err.message}: stopped at a step boundary; every event the journal acknowledged is ` +
          `kept (the step under way runs again, asking for the same state); run resume once it answers`;
        log.error(reason);
        return { kind: "paused", reason } satisfies RunOutcome;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        fs.rmSync(scratchDir, { recursive: true, force: true });
      }
    },
  );
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
