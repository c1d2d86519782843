import * as fs from "node:fs";
import * as path from "node:path";
import { ExitCode } from "../../support/exit-codes";
import { UserError } from "../../support/user-error";
import type { FleetLock, HeldLock } from "../../lock/fleet-lock";
import {
  describeHolder,
  judge,
  type LockClaim,
  type LockHolder,
  LockLostError,
  type LockOptions,
  type LockState,
  lockedOut,
  parseHolder,
} from "../../lock/lock-holder";

export function lockFile(dir: string): string {
  return path.join(dir, "fleet.lock");
}

/**
 * The lock as `<dir>/fleet.lock`, created with O_EXCL. A stale lock is renamed aside before
 * the new one is created, so two drivers racing for it cannot both win. Good for one machine
 * or a shared file system; CI runners that share nothing use S3FleetLock.
 */
export class FileFleetLock implements FleetLock {
  readonly location: string;

  constructor(
    readonly dir: string,
    private readonly options: LockOptions = {},
  ) {
    this.location = lockFile(dir);
  }

  async inspect(): Promise<LockState> {
    return judge(readHolder(this.location), this.options);
  }

  async acquire(
    claim: LockClaim,
    onStale: (holder: LockHolder, why: string) => void = () => undefined,
  ): Promise<HeldLock> {
    const now = this.options.now ?? Date.now;
    const file = this.location;
    fs.mkdirSync(this.dir, { recursive: true });
    const stamp = new Date(now()).toISOString();
    const holder: LockHolder = { ...claim, acquiredAt: stamp, heartbeatAt: stamp };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, "wx");
        try {
          fs.writeSync(fd, JSON.stringify(holder));
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        return new HeldFileLock(file, holder, now);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const state = await this.inspect();
      if (state.state === "held") throw lockedOut(state.holder, file, now());
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
}

class HeldFileLock implements HeldLock {
  constructor(
    readonly location: string,
    public holder: LockHolder,
    private readonly now: () => number,
  ) {}

  /** Atomic replace, so readers never see half a file; only while the file is still ours. */
  async heartbeat(): Promise<void> {
    const current = readHolder(this.location);
    if (!this.ours(current)) {
      throw new LockLostError(
        `lost the fleet lock ${this.location}: ` +
          (current ? `it is now held by ${describeHolder(current)}` : "it was removed"),
      );
    }
    this.holder = { ...this.holder, heartbeatAt: new Date(this.now()).toISOString() };
    const temp = `${this.location}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.holder));
    fs.renameSync(temp, this.location);
  }

  async release(): Promise<void> {
    // Only remove our own lock: after a takeover the file belongs to someone else.
    if (this.ours(readHolder(this.location))) fs.rmSync(this.location, { force: true });
  }

  private ours(current: LockHolder | undefined): boolean {
    return (
      current !== undefined &&
      current.pid === this.holder.pid &&
      current.host === this.holder.host &&
      current.acquiredAt === this.holder.acquiredAt
    );
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return parseHolder(fs.readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
