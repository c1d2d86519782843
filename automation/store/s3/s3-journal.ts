import pLimit from "p-limit";
import type { JournalEvent, JournalEventBody } from "../../journal/journal-events";
import { decodeLine, encodeLine } from "../../journal/journal-file";
import type { ReleaseJournal } from "../../journal/release-journal";
import { PreconditionFailed, type S3Bucket } from "./s3-bucket";

/** Digits of the sequence number in an event's key, so keys sort in event order. */
const SEQ_DIGITS = 10;

/** How many events a read downloads at once. */
const PARALLEL_GETS = 8;

export function eventName(release: string, seq: number): string {
  return `releases/${release}/${String(seq).padStart(SEQ_DIGITS, "0")}.jsonl`;
}

/**
 * The journal of one release in S3: one create-only object per event,
 * `releases/<version>/<seq>.jsonl`, holding the same checksummed line as the journal file.
 *
 * - An append writes the next sequence number with `If-None-Match: *`. When that key exists
 *   (412/409), another writer got that number first (or our own try landed and its answer was
 *   lost: then the object holds our very line): read up to it and try the next number. No
 *   event is overwritten, none is lost, and writers never interleave within an event.
 * - A PUT is atomic and checked against its SHA-256 by the server, so an object is whole or
 *   absent: nothing can be torn. A line whose checksum does not match, or a missing sequence
 *   number, is damage: reported, never skipped.
 * - Reads are incremental: the events already read stay in memory, and each read lists only
 *   the keys after the last one (ListObjectsV2 StartAfter) and fetches only those.
 */
export class S3Journal implements ReleaseJournal {
  private events: JournalEvent[] = [];
  private readonly limit = pLimit(PARALLEL_GETS);

  constructor(
    private readonly bucket: S3Bucket,
    readonly release: string,
    private readonly now: () => number = Date.now,
  ) {}

  get location(): string {
    return `${this.bucket.place}/releases/${this.release}/`;
  }

  async read(): Promise<{ events: JournalEvent[]; tornTail: boolean }> {
    const last = this.events.length;
    const after = last === 0 ? undefined : eventName(this.release, last);
    const names = await this.bucket.listAfter(`releases/${this.release}`, after);
    const bodies = await Promise.all(
      names.map((name) => this.limit(async () => ({ name, object: await this.bucket.get(name) }))),
    );
    const fresh: JournalEvent[] = [];
    for (const { name, object } of bodies) {
      const seq = last + fresh.length + 1;
      const where = `${this.bucket.place}/${name}`;
      if (name !== eventName(this.release, seq)) {
        throw new Error(
          `${this.location}: event ${seq} is missing (found ${name}); refusing to guess`,
        );
      }
      if (object === undefined)
        throw new Error(`${where} was listed but is gone; refusing to guess`);
      const event = decodeLine(object.body.replace(/\n$/, ""));
      if (event === undefined || event.seq !== seq) {
        throw new Error(`${where} is damaged (bad checksum or sequence); refusing to guess`);
      }
      fresh.push(event);
    }
    this.events = [...this.events, ...fresh];
    return { events: [...this.events], tornTail: false };
  }

  async append(body: JournalEventBody): Promise<JournalEvent> {
    for (;;) {
      await this.read();
      const event = {
        ...body,
        seq: this.events.length + 1,
        at: new Date(this.now()).toISOString(),
      } as JournalEvent;
      const line = encodeLine(event);
      const name = eventName(this.release, event.seq);
      try {
        await this.bucket.putIfAbsent(name, line);
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err;
        const existing = await this.bucket.get(name);
        if (existing?.body !== line) continue; // another writer's event: take the next number
      }
      this.events = [...this.events, event];
      return event;
    }
  }
}
