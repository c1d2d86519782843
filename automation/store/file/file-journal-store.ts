import * as fs from "node:fs";
import * as path from "node:path";
import type { JournalEvent } from "../../journal/journal-events";
import { JournalFile } from "../../journal/journal-file";
import { type JournalStore, readAllJournals } from "../../journal/journal-store";

/** The journals in a folder: one file per release, `releases/<version>.jsonl`. */
export class FileJournalStore implements JournalStore {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  get location(): string {
    return this.dir;
  }

  journal(release: string): JournalFile {
    return new JournalFile(path.join(this.dir, "releases", `${release}.jsonl`), this.now);
  }

  async releases(): Promise<string[]> {
    const dir = path.join(this.dir, "releases");
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((file) => file.endsWith(".jsonl"))
      .map((file) => file.slice(0, -".jsonl".length));
  }

  allJournals(): Promise<{ release: string; events: JournalEvent[] }[]> {
    return readAllJournals(this);
  }

  async latestRelease(): Promise<string | undefined> {
    return (await this.allJournals())[0]?.release;
  }
}
