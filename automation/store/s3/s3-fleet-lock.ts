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
import { PreconditionFailed, type S3Bucket } from "./s3-bucket";

const LOCK = "fleet.lock";

/**
 * The lock as one S3 object, `<prefix>/fleet.lock`, changed only by conditional writes, never
 * list-then-write:
 * - take: PutObject with `If-None-Match: *` (only one of any number of racers creates it);
 * - heartbeat, and take over a stale lock: PutObject with `If-Match: <the ETag we read>`;
 * - give back: DeleteObject with `If-Match: <our ETag>`.
 * A failed condition (412, or 409 for a concurrent conditional write) means someone else
 * changed it first: we read it again and judge the holder we find.
 */
export class S3FleetLock implements FleetLock {
  readonly location: string;

  constructor(
    private readonly bucket: S3Bucket,
    private readonly options: LockOptions = {},
  ) {
    this.location = `${bucket.place}/${LOCK}`;
  }

  async inspect(): Promise<LockState> {
    const current = await this.bucket.get(LOCK);
    return judge(current && parseHolder(current.body, current.lastModified), this.options);
  }

  async acquire(
    claim: LockClaim,
    onStale: (holder: LockHolder, why: string) => void = () => undefined,
  ): Promise<HeldLock> {
    const now = this.options.now ?? Date.now;
    const stamp = new Date(now()).toISOString();
    const holder: LockHolder = { ...claim, acquiredAt: stamp, heartbeatAt: stamp };
    const body = JSON.stringify(holder);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const etag = await this.bucket.putIfAbsent(LOCK, body);
        return new HeldS3Lock(this.bucket, this.location, holder, etag, now);
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err;
      }
      const current = await this.bucket.get(LOCK);
      if (current === undefined) continue; // given back meanwhile: try to create it again
      const state = judge(parseHolder(current.body, current.lastModified), this.options);
      if (state.state === "held") throw lockedOut(state.holder, this.location, now());
      if (state.state !== "stale") continue;
      try {
        const etag = await this.bucket.putIfMatch(LOCK, body, current.etag);
        onStale(state.holder, state.why);
        return new HeldS3Lock(this.bucket, this.location, holder, etag, now);
      } catch (err) {
        // Another driver took it over (or the holder beat) first: judge the new content.
        if (!(err instanceof PreconditionFailed)) throw err;
      }
    }
    throw new UserError(
      `could not take the fleet lock ${this.location}; try again`,
      ExitCode.Locked,
    );
  }
}

class HeldS3Lock implements HeldLock {
  constructor(
    private readonly bucket: S3Bucket,
    readonly location: string,
    public holder: LockHolder,
    private etag: string,
    private readonly now: () => number,
  ) {}

  async heartbeat(): Promise<void> {
    const next = { ...this.holder, heartbeatAt: new Date(this.now()).toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.etag = await this.bucket.putIfMatch(LOCK, JSON.stringify(next), this.etag);
        this.holder = next;
        return;
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err;
      }
      // Our own earlier write may have landed without its answer reaching us: then the
      // object is still ours under a newer ETag. Anyone else's content means we lost it.
      const current = await this.bucket.get(LOCK);
      const found = current && parseHolder(current.body, current.lastModified);
      if (current === undefined || found === undefined || !this.ours(found)) {
        throw new LockLostError(
          `lost the fleet lock ${this.location}: ` +
            (found ? `it is now held by ${describeHolder(found)}` : "it was removed"),
        );
      }
      this.etag = current.etag;
    }
    throw new LockLostError(`lost the fleet lock ${this.location}: it keeps changing under us`);
  }

  async release(): Promise<void> {
    // A conditional delete: after a takeover the object belongs to someone else and stays.
    if (await this.bucket.deleteIfMatch(LOCK, this.etag)) return;
    const current = await this.bucket.get(LOCK);
    if (current && this.ours(parseHolder(current.body, current.lastModified))) {
      await this.bucket.deleteIfMatch(LOCK, current.etag);
    }
  }

  private ours(found: LockHolder): boolean {
    const mine = this.holder;
    return (
      found.host === mine.host &&
      found.pid === mine.pid &&
      found.acquiredAt === mine.acquiredAt &&
      (found.runId ?? "") === (mine.runId ?? "")
    );
  }
}
