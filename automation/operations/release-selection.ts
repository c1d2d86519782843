import type { FleetStore } from "../store/fleet-store";
import type { ReleaseJournal } from "../journal/release-journal";
import { type ReleaseProgress, replay } from "../progress/release-progress";
import { validateRelease } from "../plan/plan-inputs";
import { RefusedError } from "../executor/release-refusal";
import { invalidValue } from "../support/user-error";

export interface SelectedRelease {
  readonly release: string;
  readonly journal: ReleaseJournal;
  readonly progress: ReleaseProgress;
}

/**
 * The release an operator command acts on: `--release`, else the one the running driver holds,
 * else the one started last.
 */
export async function selectRelease(
  store: FleetStore,
  flag: string | undefined,
): Promise<SelectedRelease> {
  let release = flag === undefined ? undefined : validateRelease(flag);
  if (release === undefined) {
    const lock = await store.lock.inspect();
    release = lock.state === "held" ? lock.holder.release : await store.journals.latestRelease();
  }
  if (release === undefined) throw new RefusedError({ kind: "no-release", place: store.place });
  const journal = store.journals.journal(release);
  const progress = replay((await journal.read()).events);
  if (progress === undefined) {
    const known = await store.journals.releases();
    if (flag === undefined)
      throw new RefusedError({ kind: "no-journal", release, known, place: store.place });
    throw invalidValue(
      "--release",
      release,
      `no journal for it; known releases: ${known.join(", ") || "(none)"} (journal ${store.place})`,
    );
  }
  return { release, journal, progress };
}

/** True when a live driver holds the fleet lock for this release. */
export async function driverRunning(store: FleetStore, release: string): Promise<boolean> {
  const lock = await store.lock.inspect();
  return lock.state === "held" && lock.holder.release === release;
}
