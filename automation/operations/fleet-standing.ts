import { replay } from "../progress/release-progress";
import type { FleetStore } from "../store/fleet-store";
import type { ReleaseStanding } from "./fleet-consistency";
import { releaseState } from "./status-report";

/**
 * Where the release started last stands (running, paused, stopped or finished, and how), from
 * its journal and the lock; undefined when no release was ever started. For `drift`, which
 * judges the fleet's consistency from the stacks' outputs and needs the command to fix it.
 */
export async function latestStanding(store: FleetStore): Promise<ReleaseStanding | undefined> {
  const release = await store.journals.latestRelease();
  if (release === undefined) return undefined;
  const progress = replay((await store.journals.journal(release).read()).events);
  if (progress === undefined) return undefined;
  return {
    release: progress.release,
    state: releaseState(progress, await store.lock.inspect()),
    outcome: progress.finished?.outcome ?? null,
  };
}
