import { releaseHistory, type HistoryEntry } from "../operations/status-report";
import type { ApprovalPolicy } from "../progress/approval-wait";
import type { LockState } from "../lock/fleet-lock";
import type { JournalEvent } from "../journal/journal-events";
import type { FleetStore } from "../store/fleet-store";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { type FeedUpdate, JournalFeed } from "./journal-feed";
import { renderPanels, renderTimelineEntry } from "./page-render";
import { type PageModel, releaseView } from "./release-view";
import type { SseStream } from "./sse-stream";

export interface ReleaseStreamsOptions {
  readonly store: FleetStore;
  /** The release to show; without it pages follow the running release, else the latest. */
  readonly release?: string;
  readonly pollMs: number;
  readonly approval: ApprovalPolicy;
  /** Whether pages offer operator actions. */
  readonly actions: boolean;
  readonly log: Logger;
}

/** One open event stream: which release it shows and the last event id it was sent. */
interface Client {
  readonly stream: SseStream;
  readonly release: string | undefined;
  readonly follow: boolean;
  lastSeq: number;
  unsubscribe: () => void;
}

const KEEP_ALIVE_MS = 15_000;

/** Events after which the history table changes. */
const HISTORY_EVENTS = new Set<JournalEvent["type"]>([
  "release-started",
  "release-finished",
  "resumed",
  "rollback-requested",
]);

/**
 * The pages' event streams: one JournalFeed per release being watched (polling only while a
 * stream watches it), the release that pages following "the current one" show, and the
 * history. Each journal event goes to each stream once, as an SSE message whose id is its seq,
 * with the rendered panels on the last message of a batch.
 */
export class ReleaseStreams {
  private readonly feeds = new Map<string, JournalFeed>();
  /** Per release: how many streams watch its feed, and how to stop listening. */
  private readonly watches = new Map<string, { count: number; stop: () => void }>();
  private readonly clients = new Set<Client>();
  private followedRelease: string | undefined;
  private followKey = "";
  private history: readonly HistoryEntry[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: ReleaseStreamsOptions) {
    this.followedRelease = options.release;
  }

  /** The release a page that names none shows. */
  get followed(): string | undefined {
    return this.followedRelease;
  }

  /** Whether pages follow the current release (no release was named at start). */
  get following(): boolean {
    return this.options.release === undefined;
  }

  async start(): Promise<void> {
    if (this.following) await this.checkFollowed();
    await this.refreshHistory();
    this.every(KEEP_ALIVE_MS, () => this.clients.forEach((c) => c.stream.keepAlive()));
    if (this.following) {
      this.every(Math.max(1000, this.options.pollMs * 2), () => {
        this.checkFollowed().catch((err: unknown) =>
          this.options.log.warn(`live view: cannot list the releases: ${messageOf(err)}`),
        );
      });
    }
  }

  /** The whole page's model for `release`, read fresh. */
  async pageModel(
    release: string | undefined,
    follow: boolean,
  ): Promise<{ model: PageModel; events: readonly JournalEvent[] }> {
    let events: readonly JournalEvent[] = [];
    let lock: LockState = await this.options.store.lock.inspect();
    if (release !== undefined) {
      const feed = this.feedFor(release);
      await feed.refresh();
      ({ events, lock } = feed.current);
    }
    await this.refreshHistory();
    return { model: this.model(release, events, lock, follow), events };
  }

  /** Serves one event stream: the backlog after `lastSeq`, then every new event. */
  async connect(
    stream: SseStream,
    release: string | undefined,
    follow: boolean,
    lastSeq: number,
  ): Promise<void> {
    const client: Client = { stream, release, follow, lastSeq, unsubscribe: () => undefined };
    this.clients.add(client);
    stream.onClose(() => {
      client.unsubscribe();
      this.clients.delete(client);
    });
    if (release === undefined) return;
    const feed = this.feedFor(release);
    await feed.refresh();
    const { events, lock } = feed.current;
    if (!stream.isOpen) return;
    if (client.lastSeq > (events.at(-1)?.seq ?? 0)) {
      // The page shows events this journal does not have: it was replaced; start over.
      stream.send({ event: "release", data: { release } });
      return;
    }
    const start = events.filter((e) => e.type === "release-started").at(-1)?.seq ?? 1;
    // A page that has not seen the latest attempt's start gets the attempt from its start.
    const backlog = events.filter(
      (e) => e.seq > client.lastSeq && (client.lastSeq >= start || e.seq >= start),
    );
    this.deliver(client, backlog, this.model(release, events, lock, follow));
    client.unsubscribe = this.watch(feed);
  }

  /** Reads the watched journals now (the driver in this process appended an event). */
  nudge(): void {
    for (const release of this.watches.keys()) void this.feeds.get(release)?.refresh();
  }

  /** A message for every page, after the journal's last events went out (so it reads in order). */
  notice(message: string, ok: boolean): void {
    void this.refreshWatched().then(() => {
      for (const client of this.clients)
        client.stream.send({ event: "notice", data: { message, ok } });
    });
  }

  /** Delivers what the journals hold now, then closes every stream. */
  async close(): Promise<void> {
    await this.refreshWatched();
    this.timers.forEach((timer) => clearInterval(timer));
    this.timers = [];
    for (const client of this.clients) {
      client.unsubscribe();
      client.stream.close();
    }
    this.clients.clear();
    this.watches.forEach((watch) => watch.stop());
    this.watches.clear();
    this.feeds.forEach((feed) => feed.stop());
    this.feeds.clear();
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private feedFor(release: string): JournalFeed {
    let feed = this.feeds.get(release);
    if (!feed) {
      const { store, pollMs, log } = this.options;
      feed = new JournalFeed(
        release,
        {
          read: async (name) => (await store.journals.journal(name).read()).events,
          lock: () => store.lock.inspect(),
        },
        pollMs,
        log,
      );
      this.feeds.set(release, feed);
    }
    return feed;
  }

  private model(
    release: string | undefined,
    events: readonly JournalEvent[],
    lock: LockState,
    follow: boolean,
  ): PageModel {
    return {
      journal: this.options.store.place,
      view: release === undefined ? undefined : releaseView(events, lock, this.options.approval),
      history: this.history,
      actions: this.options.actions,
      follow,
    };
  }

  /** The feed polls while at least one stream watches it; its updates go to every client. */
  private watch(feed: JournalFeed): () => void {
    let entry = this.watches.get(feed.release);
    if (!entry) {
      entry = { count: 0, stop: feed.subscribe((update) => this.onFeedUpdate(feed, update)) };
      this.watches.set(feed.release, entry);
    }
    const watched = entry;
    watched.count++;
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      if (--watched.count === 0) {
        watched.stop();
        this.watches.delete(feed.release);
      }
    };
  }

  private onFeedUpdate(feed: JournalFeed, update: FeedUpdate): void {
    const clients = [...this.clients].filter((c) => c.release === feed.release);
    if (update.replaced) {
      clients.forEach((c) => c.stream.send({ event: "release", data: { release: feed.release } }));
      return;
    }
    if (clients.length > 0) {
      const model = this.model(feed.release, update.events, update.lock, false);
      for (const client of clients) {
        const unseen = update.added.filter((e) => e.seq > client.lastSeq);
        this.deliver(client, unseen, { ...model, follow: client.follow });
      }
    }
    if (update.added.some((e) => HISTORY_EVENTS.has(e.type))) {
      this.refreshHistory()
        .then(() => this.broadcastViews())
        .catch((err: unknown) => this.options.log.warn(`live view: history: ${messageOf(err)}`));
    }
  }

  /** Sends `events` (one message each, its seq as id), then the panels as of the last one. */
  private deliver(client: Client, events: readonly JournalEvent[], model: PageModel): void {
    const panels = panelMarkup(model);
    const entries = new Map((model.view?.timeline ?? []).map((entry) => [entry.seq, entry]));
    // Events of an earlier attempt are not on the page's timeline; the new attempt resets it.
    const sendable = events.filter((e) => entries.has(e.seq));
    sendable.forEach((event, index) => {
      const entry = entries.get(event.seq);
      if (!entry) return;
      client.stream.send({
        id: event.seq,
        event: "journal",
        data: {
          seq: event.seq,
          reset: event.type === "release-started",
          row: renderTimelineEntry(entry).markup,
          panels: index === sendable.length - 1 ? panels : undefined,
        },
      });
      client.lastSeq = event.seq;
    });
    if (sendable.length === 0) client.stream.send({ event: "view", data: { panels } });
  }

  private broadcastViews(): void {
    for (const client of this.clients) {
      const feed = client.release === undefined ? undefined : this.feeds.get(client.release);
      if (!feed) continue;
      const { events, lock } = feed.current;
      client.stream.send({
        event: "view",
        data: { panels: panelMarkup(this.model(client.release, events, lock, client.follow)) },
      });
    }
  }

  private async refreshWatched(): Promise<void> {
    await Promise.all(
      [...this.watches.keys()].map((release) => this.feeds.get(release)?.refresh()),
    );
  }

  /** Following: the release the running driver holds, else the one started last. */
  private async checkFollowed(): Promise<void> {
    const { store } = this.options;
    const lock = await store.lock.inspect();
    const key = JSON.stringify([
      lock.state === "held" ? lock.holder.release : null,
      (await store.journals.releases()).sort(),
    ]);
    if (key === this.followKey) return;
    this.followKey = key;
    const next = lock.state === "held" ? lock.holder.release : await store.journals.latestRelease();
    if (next === this.followedRelease) return;
    this.followedRelease = next;
    for (const client of this.clients) {
      if (client.follow) client.stream.send({ event: "release", data: { release: next } });
    }
  }

  private async refreshHistory(): Promise<void> {
    this.history = releaseHistory(await this.options.store.journals.allJournals());
  }
}

function panelMarkup(model: PageModel): Record<string, string> {
  const panels = renderPanels(model);
  return {
    summary: panels.summary.markup,
    outcome: panels.outcome.markup,
    waves: panels.waves.markup,
    history: panels.history.markup,
  };
}
