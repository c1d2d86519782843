import type { JournalEvent } from "../journal/journal-events";
import type { ReleaseJournal } from "../journal/release-journal";
import type { Logger } from "../support/logger";
import { messageOf } from "../support/retry";
import { DeliveryQueue, fetchPost, type HttpPost, type SinkTarget } from "./delivery-queue";
import { genericWebhookPayload } from "./generic-webhook-payload";
import type { Notification } from "./notification";
import type { NotificationSettings, SinkSettings } from "./notification-settings";
import { NotificationTracker, type TriggerContext } from "./notification-triggers";
import { resolveSinkUrl, type SecretReader, secretsManagerReader } from "./sink-url";
import { slackPayload } from "./slack-payload";
import { teamsCardPayload } from "./teams-card-payload";

export interface NotifierOptions {
  readonly settings: NotificationSettings;
  /** The journal the driver appends to: read to fill in events other processes appended. */
  readonly journal: ReleaseJournal;
  readonly context: TriggerContext;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly post?: HttpPost;
  readonly readSecret?: SecretReader;
}

const BODY_OF: Record<SinkSettings["type"], SinkTarget["body"]> = {
  webhook: genericWebhookPayload,
  slack: slackPayload,
  teams: teamsCardPayload,
};

/**
 * Tells the configured sinks of a release's milestones. `notify` is called from the driver's
 * onEvent for every event it appends and returns at once: events are turned into
 * notifications and delivered in the background, each sink through its own bounded queue, so a
 * slow or dead sink never slows or fails the release. Events the driver did not append
 * (operators' requests, or the history before a resume) are read from the journal to keep the
 * picture whole, and never notified twice.
 */
export class Notifier {
  private readonly sinks: { readonly settings: SinkSettings; readonly queue: DeliveryQueue }[];
  private readonly tracker: NotificationTracker;
  private readonly inbox: JournalEvent[] = [];
  private pump: Promise<void> | undefined;

  constructor(private readonly options: NotifierOptions) {
    const { settings, env, log } = options;
    const readSecret = options.readSecret ?? secretsManagerReader;
    this.tracker = new NotificationTracker(options.context);
    this.sinks = settings.sinks.map((sink) => {
      let resolved: Promise<string> | undefined;
      const target: SinkTarget = {
        name: sink.name,
        url: () => (resolved ??= resolveSinkUrl(sink.url, env, readSecret)),
        body: BODY_OF[sink.type],
      };
      return {
        settings: sink,
        queue: new DeliveryQueue(
          target,
          {
            queueSize: settings.queueSize,
            maxAttempts: settings.maxAttempts,
            initialBackoffMs: settings.initialBackoffSeconds * 1000,
            maxBackoffMs: settings.maxBackoffSeconds * 1000,
            timeoutMs: settings.timeoutSeconds * 1000,
          },
          log,
          options.post ?? fetchPost,
        ),
      };
    });
  }

  get enabled(): boolean {
    return this.sinks.length > 0;
  }

  /** Queues one event the driver appended; never throws, never waits. */
  notify(event: JournalEvent): void {
    if (!this.enabled) return;
    this.inbox.push(event);
    this.pump ??= this.drainInbox().finally(() => {
      this.pump = undefined;
    });
  }

  /**
   * Waits up to `drainSeconds` for what is queued to be delivered, then gives up on the rest
   * (logged): the driver is done and must not hang on a dead sink.
   */
  async close(): Promise<void> {
    if (!this.enabled) return;
    const deadline = this.options.settings.drainSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadline);
      timer.unref();
    });
    const idle = (async () => {
      while (this.pump) await this.pump;
      await Promise.all(this.sinks.map((s) => s.queue.idle()));
    })();
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
    for (const sink of this.sinks) {
      const left = sink.queue.abandon();
      if (left > 0)
        this.options.log.warn(
          `notification sink "${sink.settings.name}": ${left} notification(s) not delivered before the driver ended`,
        );
    }
  }

  /** Delivery counts per sink name (for logs and tests). */
  stats(): Record<string, { delivered: number; failed: number; dropped: number; pending: number }> {
    return Object.fromEntries(
      this.sinks.map(({ settings, queue }) => [
        settings.name,
        {
          delivered: queue.delivered,
          failed: queue.failed,
          dropped: queue.dropped,
          pending: queue.pending,
        },
      ]),
    );
  }

  private async drainInbox(): Promise<void> {
    while (this.inbox.length > 0) {
      const event = this.inbox.shift() as JournalEvent;
      try {
        if (event.seq <= this.tracker.lastSeq) continue;
        if (event.seq > this.tracker.lastSeq + 1) await this.catchUp(event.seq);
        this.dispatch(this.tracker.observe(event));
      } catch (err) {
        this.options.log.warn(`notifications: skipped event ${event.seq}: ${messageOf(err)}`);
      }
    }
  }

  /** Reads the events before `seq` this driver did not append; they are not notified. */
  private async catchUp(seq: number): Promise<void> {
    const { events } = await this.options.journal.read();
    for (const event of events) {
      if (event.seq > this.tracker.lastSeq && event.seq < seq) this.tracker.observe(event);
    }
  }

  private dispatch(notifications: readonly Notification[]): void {
    for (const notification of notifications) {
      for (const { settings, queue } of this.sinks) {
        if (settings.events === undefined || settings.events.includes(notification.event))
          queue.offer(notification);
      }
    }
  }
}
