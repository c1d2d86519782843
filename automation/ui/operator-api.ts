import {
  abortRelease,
  type ActionResult,
  type DriverLauncher,
  pauseRelease,
  promoteRelease,
  refuseIfFinished,
  resumeRelease,
} from "../operations/operator-actions";
import { driverRunning, selectRelease } from "../operations/release-selection";
import { RefusedError } from "../executor/release-refusal";
import type { Actor } from "../journal/journal-events";
import type { FleetStore } from "../store/fleet-store";
import { ExitCode } from "../support/exit-codes";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { UserError } from "../support/user-error";
import {
  actionAnswer,
  type ActionResponse,
  ranNotice,
  refusalAnswer,
  respond,
} from "./action-answer";
import { ACTIONS, type ActionName } from "./page-render";

/** What the page sends with an action. */
export interface ActionRequest {
  readonly release?: string;
  readonly wave?: string;
  readonly reason?: string;
}

export interface OperatorApiOptions {
  readonly store: FleetStore;
  readonly actor: Actor;
  readonly launch: DriverLauncher;
  readonly log: Logger;
  /** The release the page shows when a request names none. */
  readonly defaultRelease: () => string | undefined;
  /** Tells the pages how a driver started from here ended. */
  readonly notice: (message: string, ok: boolean) => void;
}

export function parseActionRequest(raw: unknown): ActionRequest {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new UserError("the request body must be a JSON object");
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!["release", "wave", "reason"].includes(key))
      throw new UserError(`unknown field "${key}": allowed fields are release, wave, reason`);
    if (typeof body[key] !== "string")
      throw new UserError(`${key} = ${JSON.stringify(body[key])}: must be a string`);
  }
  return body as ActionRequest;
}

/**
 * The page's buttons: the same actions as `outpost-fleet pause|resume|promote|abort`, through
 * the same code (operations/operator-actions.ts), journaled with this server's actor. Requests to a
 * running driver are journaled and answered at once; an action that runs a driver itself
 * (resume, or abort with no driver running) is checked, started, and answered with 202; the
 * journal and a notice tell the page how it goes. One such driver at a time.
 */
export class OperatorApi {
  private background: Promise<void> | undefined;

  constructor(private readonly options: OperatorApiOptions) {}

  /** Resolves when the driver this API started (if any) has ended. */
  settled(): Promise<void> {
    return this.background ?? Promise.resolve();
  }

  async perform(action: string, request: ActionRequest): Promise<ActionResponse> {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      return respond(
        ExitCode.BadInput,
        `unknown action "${action}": must be one of ${ACTIONS.join(", ")}`,
        404,
      );
    }
    try {
      return await this.run(action as ActionName, request);
    } catch (err) {
      if (err instanceof UserError) return respond(err.exitCode, err.message);
      if (err instanceof RefusedError) return refusalAnswer(err.refusal);
      this.options.log.error(`live view: ${action} failed: ${messageOf(err)}`);
      return respond(ExitCode.InternalError, `internal error: ${messageOf(err)}`);
    }
  }

  private async run(action: ActionName, request: ActionRequest): Promise<ActionResponse> {
    const { store, actor, launch } = this.options;
    const release = request.release || this.options.defaultRelease();
    const selected = await selectRelease(store, release);
    const scope = { store, selected, actor, launch };
    const running = await driverRunning(store, selected.release);
    switch (action) {
      case "pause":
        return actionAnswer(await pauseRelease(scope));
      case "promote":
        return actionAnswer(await promoteRelease(scope, request.wave));
      case "abort": {
        const reason = request.reason ?? `aborted from the live view by ${actor.user}`;
        if (running) return actionAnswer(await abortRelease(scope, reason));
        refuseIfFinished(selected.progress);
        return this.inBackground(`abort of ${selected.release}`, () => abortRelease(scope, reason));
      }
      case "resume": {
        if (running) {
          return respond(
            ExitCode.Locked,
            `a driver is already running release ${selected.release}; it continues by itself`,
          );
        }
        const finished = selected.progress.finished;
        if (finished && finished.outcome !== "rollback-incomplete")
          refuseIfFinished(selected.progress);
        return this.inBackground(`resume of ${selected.release}`, () => resumeRelease(scope));
      }
    }
  }

  private inBackground(what: string, run: () => Promise<ActionResult>): ActionResponse {
    if (this.background) {
      return respond(
        ExitCode.Locked,
        "a driver started from this page is still running; wait for it to end",
      );
    }
    const { log, notice } = this.options;
    this.background = run()
      .then(
        (result) => {
          const { message, ok } =
            result.kind === "ran" ? ranNotice(what, result) : actionAnswer(result).body;
          log.info(`live view: ${message}`);
          notice(message, ok);
        },
        (err: unknown) => {
          log.error(`live view: ${what} failed: ${messageOf(err)}`);
          notice(`${what} failed: ${messageOf(err)}`, false);
        },
      )
      .finally(() => {
        this.background = undefined;
      });
    return respond(ExitCode.Success, `${what} started: this page follows it`, 202);
  }
}
