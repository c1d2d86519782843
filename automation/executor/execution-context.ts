import pLimit from "p-limit";
import type { EnginePort } from "../engine/engine-port";
import type { GateSuite } from "../gates/gate";
import type { RolloutController } from "../rollouts/rollout-controller";
import type { Actor, JournalEvent, JournalEventBody } from "../journal/journal-events";
import type { ReleaseJournal } from "../journal/release-journal";
import { type ReleaseProgress, replay } from "../progress/release-progress";
import type { Clock } from "../support/clock";
import type { Logger } from "../support/logger";
import type { ReleasePolicyConfig } from "../policy/release-policy-config";
import type { ExecutorNotice } from "./executor-notice";
import type { ExecutorSettings } from "./executor-settings";

export interface ExecutorDeps {
  readonly engine: EnginePort;
  readonly gates: GateSuite;
  readonly rollouts: RolloutController;
  readonly journal: ReleaseJournal;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: ExecutorSettings;
  readonly actor: Actor;
  /** Asks a person before a wave (approval each-wave on a terminal). */
  readonly prompt?: (question: string) => Promise<boolean>;
  /** Writes each stack's policy-pack config for the preflight preview (release expectations). */
  readonly releasePolicyConfig?: ReleasePolicyConfig;
  /** Called after each journal append: progress output, lock heartbeat. */
  readonly onEvent?: (event: JournalEvent) => void;
  /** Told what an operator may have to act on now (a wait for approval, a stuck rollback). */
  readonly onNotice?: (notice: ExecutorNotice) => void;
}

/**
 * The executor's view of the world: the journal is the state. Steps may run side by side
 * (release-graph.ts), but journal reads and appends happen here, one at a time, in the order
 * they were asked for. The events read last are kept, so `progress()` costs no I/O;
 * `refresh()` reads the journal again, which is how operators' requests (appended by other
 * processes) reach a running driver.
 */
export class ExecutionContext {
  private lastEvents: JournalEvent[] = [];
  /** The journal's queue: each read or append starts once the one before has settled. */
  private readonly inTurn: ReturnType<typeof pLimit> = pLimit(1);
  /** Per stack, its queue of updates (one config write and `up` at a time). */
  private readonly stackTurns = new Map<string, ReturnType<typeof pLimit>>();

  constructor(readonly deps: ExecutorDeps) {}

  /** Reads the journal again and returns the progress it replays to. */
  refresh(): Promise<ReleaseProgress> {
    return this.inTurn(async () => {
      this.lastEvents = (await this.deps.journal.read()).events;
      return this.progress();
    });
  }

  /** The journal's events as of the last read or append (every attempt's). */
  events(): readonly JournalEvent[] {
    return this.lastEvents;
  }

  /** The progress as of the last read or append. */
  progress(): ReleaseProgress {
    const progress = replay(this.lastEvents);
    if (progress === undefined)
      throw new Error(`${this.deps.journal.location}: no release started`);
    return progress;
  }

  /**
   * Appends an event and resolves once it is durable. Events others appended meanwhile show
   * up at the next `refresh()`, which the executor runs at every step boundary.
   */
  record(body: JournalEventBody): Promise<JournalEvent> {
    return this.inTurn(async () => {
      const event = await this.deps.journal.append(body);
      this.lastEvents = [...this.lastEvents, event];
      this.deps.onEvent?.(event);
      return event;
    });
  }

  /**
   * Runs `update` once no other update of `stack` is in progress: a stack's config is one
   * file and its state takes one `up` at a time, so two steps writing the same stack (a batch's
   * canary beside another's sync) must not interleave their write and `up`.
   */
  withStack<T>(stack: string, update: () => Promise<T>): Promise<T> {
    let turn = this.stackTurns.get(stack);
    if (turn === undefined) this.stackTurns.set(stack, (turn = pLimit(1)));
    return turn(update);
  }
}
