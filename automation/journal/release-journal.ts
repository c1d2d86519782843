import type { JournalEvent, JournalEventBody } from "./journal-events";

/**
 * The journal of one release: an append-only record of events, and the executor's only
 * state. Implementations keep every acknowledged event and never let two writers interleave
 * or overwrite one another; the executor does not know which store it has.
 */
export interface ReleaseJournal {
  /** Where it lives, for messages: a file path or an `s3://` URL. */
  readonly location: string;
  /** Every event in order; `tornTail` when a crash left half an event at the end (ignored). */
  read(): Promise<{ events: JournalEvent[]; tornTail: boolean }>;
  /** Appends one event and resolves once it is durable, with its `seq` and `at`. */
  append(body: JournalEventBody): Promise<JournalEvent>;
}
