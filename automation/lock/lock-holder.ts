import * as os from "node:os";
import { processAlive } from "../../infra/host";
import { ExitCode } from "../support/exit-codes";
import { UserError } from "../support/user-error";
import type { Actor } from "../journal/journal-events";

/** Who asks for the lock, and for what. */
export type LockClaim = Actor & { readonly command: string; readonly release: string };

/** What the lock says about the driver that holds it. */
export interface LockHolder extends LockClaim {
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
}

export type LockState =
  | { readonly state: "free" }
  | { readonly state: "held"; readonly holder: LockHolder }
  | { readonly state: "stale"; readonly holder: LockHolder; readonly why: string };

/** How a driver judges someone else's lock. Every field has a default. */
export interface LockOptions {
  readonly now?: () => number;
  /** A heartbeat older than this makes the lock stale (driver.yaml `lock.ttlSeconds`). Default 5 min. */
  readonly staleAfterMs?: number;
  /** Whether a process of this machine is alive (injectable for tests). */
  readonly isAlive?: (pid: number) => boolean;
  /** This machine's host name. Default os.hostname(). */
  readonly host?: string;
  /** This machine's CI run id, if any (see currentActor). */
  readonly runId?: string;
}

export const DEFAULT_LOCK_TTL_MS = 5 * 60_000;

/** The driver that held the lock lost it: another one took it over as stale. */
export class LockLostError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.Locked);
    this.name = "LockLostError";
  }
}

/** "alice@ci-1 (CI run 42, pid 101, `deploy --release 2.1.0` for release 2.1.0, ...)". */
export function describeHolder(holder: LockHolder, now: number = Date.now()): string {
  const age = Math.max(0, Math.round((now - Date.parse(holder.heartbeatAt)) / 1000));
  const run = holder.runId ? `CI run ${holder.runId}, ` : "";
  return (
    `${holder.user}@${holder.host} (${run}pid ${holder.pid}, \`${holder.command}\` for release ` +
    `${holder.release}, since ${holder.acquiredAt}, last heartbeat ${age}s ago)`
  );
}

/** The refusal a second driver gets (exit 5). */
export function lockedOut(holder: LockHolder, place: string, now?: number): UserError {
  return new UserError(
    `the fleet is locked by another driver: ${describeHolder(holder, now)} (lock ${place}). ` +
      `Wait for it, or act on it with pause/abort; a lock whose heartbeat stops is taken over after its TTL.`,
    ExitCode.Locked,
  );
}

/**
 * Why a lock is stale, or undefined while its holder may still run. A process id means
 * something only on its own machine: the same host, in the same CI run (two runners of one
 * host may have separate process namespaces). Elsewhere only the heartbeat counts.
 */
export function staleReason(holder: LockHolder, options: LockOptions = {}): string | undefined {
  const host = options.host ?? os.hostname();
  const sameMachine = holder.host === host && (holder.runId ?? "") === (options.runId ?? "");
  if (sameMachine && holder.pid > 0) {
    const alive = options.isAlive ?? processAlive;
    return alive(holder.pid) ? undefined : `process ${holder.pid} no longer runs on ${host}`;
  }
  const age = (options.now ?? Date.now)() - Date.parse(holder.heartbeatAt);
  const limit = options.staleAfterMs ?? DEFAULT_LOCK_TTL_MS;
  return age > limit
    ? `no heartbeat for ${Math.round(age / 1000)}s (TTL ${Math.round(limit / 1000)}s)`
    : undefined;
}

export function judge(holder: LockHolder | undefined, options: LockOptions): LockState {
  if (holder === undefined) return { state: "free" };
  const why = staleReason(holder, options);
  return why === undefined ? { state: "held", holder } : { state: "stale", holder, why };
}

/**
 * Parses a lock's content. A lock nobody can read (half-written by a crash during creation on
 * a file system) is held by nobody we can name, and stale once `fallbackTime` is older than
 * the TTL.
 */
export function parseHolder(text: string, fallbackTime = new Date(0)): LockHolder {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.user === "string" && typeof parsed.heartbeatAt === "string") {
      return parsed as LockHolder;
    }
  } catch {
    // fall through
  }
  const at = fallbackTime.toISOString();
  return {
    user: "unknown",
    host: "unknown",
    pid: 0,
    command: "unknown",
    release: "unknown",
    acquiredAt: at,
    heartbeatAt: at,
  };
}
