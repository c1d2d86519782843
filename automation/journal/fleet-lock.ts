import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ExitCode } from "../support/exit-codes";
import { UserError } from "../support/user-error";
import type { Actor } from "./journal-events";
import { processAlive } from "../../infra/host";

/** What the lock file says about the driver that holds it. */
export interface LockHolder extends Actor {
  readonly command: string;
  readonly release: string;
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
}

export interface LockOptions {
  readonly now?: () => number;
  /** A holder on another host whose heartbeat is older than this is stale. */
  readonly staleAfterMs?: number;
  /** Whether a process of this host is alive (injectable for tests). */
  readonly isAlive?: (pid: number) => boolean;
  readonly host?: string;
}

export type LockState =
  | { readonly state: "free" }
  | { readonly state: "held"; readonly holder: LockHolder }
  | { readonly state: "stale"; readonly holder: LockHolder; readonly why: string };

export function describeHolder(holder: LockHolder): string {
  return (
    `${holder.user}@${holder.host} (pid ${holder.pid}, \`${holder.command}\` for release ` +
    `${holder.release}, since ${holder.acquiredAt}, last heartbeat ${holder.heartbeatAt})`
  );
}

/**
 * One driver per fleet. The lock is a file created with O_EXCL; its holder refreshes a
 * heartbeat. A lock is stale when its holder ran on this host and that process is gone, or
 * ran elsewhere and has not beaten for `staleAfterMs`. A stale lock is taken over (renamed
 * aside, so two drivers racing for it cannot both win); a live one is refused, naming its holder.
 */
export class FleetLock {
  private constructor(
    readonly file: string,
    private holder: LockHolder,
    private readonly now: () => number,
  ) {}

  static inspect(dir: string, options: LockOptions = {}): LockState {
    const file = lockFile(dir);
    const holder = readHolder(file);
    if (holder === undefined) return { state: "free" };
    const why = staleReason(holder, options);
    return why === undefined ? { state: "held", holder } : { state: "stale", holder, why };
  }

  /** Takes the lock or throws a UserError (exit code Locked) naming the holder. */
  static acquire(
    dir: string,
    who: Actor & { readonly command: string; readonly release: string },
    options: LockOptions = {},
    onStale: (holder: LockHolder, why: string) => void = () => undefined,
  ): FleetLock {
    const now = options.now ?? Date.now;
    const file = lockFile(dir);
    fs.mkdirSync(dir, { recursive: true });
    const stamp = new Date(now()).toISOString();
    const holder: LockHolder = { ...who, acquiredAt: stamp, heartbeatAt: stamp };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, "wx");
        try {
          fs.writeSync(fd, JSON.stringify(holder));
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        return new FleetLock(file, holder, now);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const state = FleetLock.inspect(dir, options);
      if (state.state === "held") {
        throw new UserError(
          `the fleet is locked by another driver: ${describeHolder(state.holder)}. ` +
            `Wait for it, or act on it with pause/abort.`,
          ExitCode.Locked,
        );
      }
      if (state.state === "stale") {
        onStale(state.holder, state.why);
        try {
          fs.renameSync(file, `${file}.stale-${Date.parse(stamp)}-${process.pid}`);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }
    }
    throw new UserError(`could not take the fleet lock ${file}; try again`, ExitCode.Locked);
  }

  /** Refreshes the heartbeat (atomic replace, so readers never see half a file). */
  heartbeat(): void {
    this.holder = { ...this.holder, heartbeatAt: new Date(this.now()).toISOString() };
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.holder));
    fs.renameSync(temp, this.file);
  }

  release(): void {
    const current = readHolder(this.file);
    // Only remove our own lock: after a takeover the file belongs to someone else.
    if (
      current &&
      current.pid === this.holder.pid &&
      current.acquiredAt === this.holder.acquiredAt
    ) {
      fs.rmSync(this.file, { force: true });
    }
  }
}

export function lockFile(dir: string): string {
  return path.join(dir, "fleet.lock");
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockHolder;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // Half-written by a crash during creation: treat as held by nobody we can name.
    return {
      user: "unknown",
      host: "unknown",
      pid: 0,
      command: "unknown",
      release: "unknown",
      acquiredAt: new Date(0).toISOString(),
      heartbeatAt: new Date(0).toISOString(),
    };
  }
}

function staleReason(holder: LockHolder, options: LockOptions): string | undefined {
  const host = options.host ?? os.hostname();
  const alive = options.isAlive ?? processAlive;
  if (holder.host === host) {
    return alive(holder.pid) ? undefined : `process ${holder.pid} no longer runs on ${host}`;
  }
  const age = (options.now ?? Date.now)() - Date.parse(holder.heartbeatAt);
  const limit = options.staleAfterMs ?? 5 * 60_000;
  return age > limit ? `no heartbeat for ${Math.round(age / 1000)}s` : undefined;
}
