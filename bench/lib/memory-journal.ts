import type { JournalEvent, JournalEventBody } from "../../automation/journal/journal-events";
import type { ReleaseJournal } from "../../automation/journal/release-journal";

/** The journal in memory: no file I/O, so the event clock sees every wait. */
export class MemoryJournal implements ReleaseJournal {
  readonly location = "memory";
  private readonly events: JournalEvent[] = [];
  constructor(private readonly now: () => number) {}

  read(): Promise<{ events: JournalEvent[]; tornTail: boolean }> {
    return Promise.resolve({ events: [...this.events], tornTail: false });
  }

  append(body: JournalEventBody): Promise<JournalEvent> {
    const event = {
      ...body,
      seq: this.events.length + 1,
      at: new Date(this.now()).toISOString(),
    } as JournalEvent;
    this.events.push(event);
    return Promise.resolve(event);
  }
}
