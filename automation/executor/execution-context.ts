import type { EnginePort } from "../engine/engine-port";
import type { GateSuite } from "../gates/gate";
import type { RolloutController } from "../gates/rollout-controller";
import type { Actor, JournalEvent, JournalEventBody } from "../journal/journal-events";
import type { JournalFile } from "../journal/journal-file";
import { type ReleaseProgress, replay } from "../journal/release-progress";
import type { Clock } from "../support/clock";
import type { Logger } from "../support/logger";
import type { ReleasePolicyConfig } from "../policy/release-policy-config";
import type { ExecutorSettings } from "./executor-settings";

export interface ExecutorDeps {
  readonly engine: EnginePort;
  readonly gates: GateSuite;
  readonly rollouts: RolloutController;
  readonly journal: JournalFile;
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
}

/**
 * The executor's view of the world: the journal is the state. Effects run in parallel, but
 * every journal append happens here, in order, from the main flow.
 */
export class ExecutionContext {
  constructor(readonly deps: ExecutorDeps) {}

  progress(): ReleaseProgress {
    const progress = replay(this.deps.journal.read().events);
    if (progress === undefined) throw new Error(`${this.deps.journal.file}: no release started`);
    return progress;
  }

  record(body: JournalEventBody): JournalEvent {
    const event = this.deps.journal.append(body);
    this.deps.onEvent?.(event);
    return event;
  }
}
