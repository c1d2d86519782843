import type { JournalEvent } from "../../journal/journal-events";
import { type JournalStore, readAllJournals } from "../../journal/journal-store";
import type { S3Bucket } from "./s3-bucket";
import { S3Journal } from "./s3-journal";

/**
 * The journals under an S3 prefix: `releases/<version>/<seq>.jsonl`. One S3Journal per release
 * for the life of the store, so events read once are never downloaded again.
 */
export class S3JournalStore implements JournalStore {
  private readonly journals = new Map<string, S3Journal>();

  constructor(
    private readonly bucket: S3Bucket,
    private readonly now: () => number = Date.now,
  ) {}

  get location(): string {
    return this.bucket.place;
  }

  journal(release: string): S3Journal {
    let journal = this.journals.get(release);
    if (journal === undefined) {
      journal = new S3Journal(this.bucket, release, this.now);
      this.journals.set(release, journal);
    }
    return journal;
  }

  releases(): Promise<string[]> {
    return this.bucket.folders("releases");
  }

  allJournals(): Promise<{ release: string; events: JournalEvent[] }[]> {
    return readAllJournals(this);
  }

  async latestRelease(): Promise<string | undefined> {
    return (await this.allJournals())[0]?.release;
  }
}
