import * as os from "node:os";
import type { Actor, JournalEvent } from "./journal-events";
import type { ReleaseJournal } from "./release-journal";

/**
 * The journals of one fleet, one per release. Implementations: a folder (FileJournalStore)
 * and an S3 prefix (S3JournalStore); commands and the executor do not know which they have.
 */
export interface JournalStore {
  /** Where it lives, for messages: a folder or `s3://bucket/prefix`. */
  readonly location: string;
  journal(release: string): ReleaseJournal;
  /** Every release that has a journal, in no particular order. */
  releases(): Promise<string[]>;
  /** Every release's events, most recently started first. */
  allJournals(): Promise<{ release: string; events: JournalEvent[] }[]>;
  /** The release that was started last, whatever its state. */
  latestRelease(): Promise<string | undefined>;
}

/** allJournals() on top of releases() and journal(): the same order for every store. */
export async function readAllJournals(
  store: Pick<JournalStore, "releases" | "journal">,
): Promise<{ release: string; events: JournalEvent[] }[]> {
  const started = (events: JournalEvent[]) =>
    events.filter((e) => e.type === "release-started").at(-1)?.at ?? "";
  const journals = await Promise.all(
    (await store.releases()).map(async (release) => ({
      release,
      events: (await store.journal(release).read()).events,
    })),
  );
  return journals.sort((a, b) => started(b.events).localeCompare(started(a.events)));
}

/**
 * The CI run this process belongs to: `OUTPOST_FLEET_CI_RUN_ID`, else a GitHub Actions run
 * (`<repository>/<run id>/<attempt>`), else a CodeBuild build id. Recorded with the lock so a
 * refusal can name it, and so that a process id is only trusted within the same run.
 */
export function currentRunId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OUTPOST_FLEET_CI_RUN_ID) return env.OUTPOST_FLEET_CI_RUN_ID;
  if (env.GITHUB_RUN_ID) {
    return [env.GITHUB_REPOSITORY, env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT]
      .filter((part) => part)
      .join("/");
  }
  return env.CODEBUILD_BUILD_ID || undefined;
}

export function currentActor(env = process.env): Actor {
  let user = env.OUTPOST_FLEET_ACTOR ?? env.GITHUB_ACTOR ?? env.USER;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = "unknown";
    }
  }
  const runId = currentRunId(env);
  return { user, host: os.hostname(), pid: process.pid, ...(runId ? { runId } : {}) };
}
