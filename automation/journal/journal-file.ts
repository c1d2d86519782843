import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { JournalEvent, JournalEventBody } from "./journal-events";
import type { ReleaseJournal } from "./release-journal";

/**
 * An append-only JSON-lines file. Each line carries a checksum of itself; each append is one
 * write() followed by fsync(), so after a crash the file holds every acknowledged event and at
 * most one torn line at the end. A torn tail is detected (no newline, bad JSON or bad checksum
 * on the last line), ignored when reading and cut off before the next append. Damage anywhere
 * else is not a crash artefact, so it is reported rather than skipped.
 */
export class JournalFile implements ReleaseJournal {
  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  get location(): string {
    return this.file;
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  // Synchronous file I/O under an async interface: a failure rejects, never throws.
  async read(): Promise<{ events: JournalEvent[]; tornTail: boolean }> {
    return this.readNow();
  }

  async append(body: JournalEventBody): Promise<JournalEvent> {
    return this.appendNow(body);
  }

  private readNow(): { events: JournalEvent[]; tornTail: boolean } {
    if (!this.exists()) return { events: [], tornTail: false };
    return parseJournal(fs.readFileSync(this.file, "utf8"), this.file);
  }

  /**
   * Appends one event and returns it once it is on disk. Operators' requests (pause, abort)
   * come from other processes; O_APPEND makes each single write land whole.
   */
  private appendNow(body: JournalEventBody): JournalEvent {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const created = !this.exists();
    const { events, tornTail } = this.readNow();
    if (tornTail) this.cutTornTail();
    const event = {
      ...body,
      seq: (events.at(-1)?.seq ?? 0) + 1,
      at: new Date(this.now()).toISOString(),
    } as JournalEvent;
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, encodeLine(event));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (created) fsyncDirectory(path.dirname(this.file));
    return event;
  }

  /** Keeps everything up to the last complete line. */
  private cutTornTail(): void {
    const text = fs.readFileSync(this.file, "utf8");
    const valid = validPrefixLength(text);
    fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, valid), "utf8"));
  }
}

function checksum(json: string): string {
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

/** `<json>\t<checksum>\n`: the checksum covers exactly the JSON text before it. */
export function encodeLine(event: JournalEvent): string {
  const json = JSON.stringify(event);
  return `${json}\t${checksum(json)}\n`;
}

/** The event of one line, or undefined when the line is torn or its checksum is wrong. */
export function decodeLine(line: string): JournalEvent | undefined {
  const tab = line.lastIndexOf("\t");
  if (tab < 0) return undefined;
  const json = line.slice(0, tab);
  if (checksum(json) !== line.slice(tab + 1)) return undefined;
  try {
    return JSON.parse(json) as JournalEvent;
  } catch {
    return undefined;
  }
}

/** Length of the text made of whole, valid lines. */
function validPrefixLength(text: string): number {
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf("\n", offset);
    if (end < 0 || decodeLine(text.slice(offset, end)) === undefined) break;
    offset = end + 1;
  }
  return offset;
}

export function parseJournal(
  text: string,
  source: string,
): { events: JournalEvent[]; tornTail: boolean } {
  const events: JournalEvent[] = [];
  const lines = text.split("\n");
  const complete = lines.slice(0, -1); // the part after the last newline is never a whole line
  const tail = lines[lines.length - 1];
  for (let i = 0; i < complete.length; i++) {
    const event = decodeLine(complete[i]);
    if (event !== undefined) {
      events.push(event);
    } else if (i === complete.length - 1 && tail === "") {
      // A crash can tear only the last line; everything before it was fsynced whole.
      return { events, tornTail: true };
    } else {
      throw new Error(
        `${source}: line ${i + 1} is damaged (not a crash artefact); refusing to guess`,
      );
    }
  }
  return { events, tornTail: tail !== "" };
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the file itself is already durable.
  }
}
