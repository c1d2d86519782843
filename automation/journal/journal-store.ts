import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Actor, JournalEvent } from "./journal-events";
import { JournalFile } from "./journal-file";

/** `.outpost-fleet/` under the project root unless a flag or OUTPOST_FLEET_JOURNAL_DIR says otherwise. */
export function journalDirFrom(
  flag: string | undefined,
  projectDir: string,
  env = process.env,
): string {
  return path.resolve(
    flag ?? env.OUTPOST_FLEET_JOURNAL_DIR ?? path.join(projectDir, ".outpost-fleet"),
  );
}

/** The journals of one fleet: one file per release, `releases/<version>.jsonl`. */
export class JournalStore {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  journal(release: string): JournalFile {
    return new JournalFile(path.join(this.dir, "releases", `${release}.jsonl`), this.now);
  }

  releases(): Promise<string[]> {
    const dir = path.join(this.dir, "releases");
    if (!fs.existsSync(dir)) return Promise.resolve([]);
    return Promise.resolve(
      fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".jsonl"))
        .map((file) => file.slice(0, -".jsonl".length)),
    );
  }

  /** Every release's events, most recently started first. */
  async allJournals(): Promise<{ release: string; events: JournalEvent[] }[]> {
    const started = (events: JournalEvent[]) =>
      events.filter((e) => e.type === "release-started").at(-1)?.at ?? "";
    const journals = await Promise.all(
      (await this.releases()).map(async (release) => ({
        release,
        events: (await this.journal(release).read()).events,
      })),
    );
    return journals.sort((a, b) => started(b.events).localeCompare(started(a.events)));
  }

  /** The release that was started last, whatever its state. */
  async latestRelease(): Promise<string | undefined> {
    return (await this.allJournals())[0]?.release;
  }
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
  return { user, host: os.hostname(), pid: process.pid };
}
