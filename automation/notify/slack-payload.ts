import type { Notification, Severity } from "./notification";
import { notificationFacts } from "./notification-facts";

const EMOJI: Record<Severity, string> = {
  info: ":information_source:",
  success: ":white_check_mark:",
  warning: ":warning:",
  error: ":rotating_light:",
};

/** Slack mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting). */
const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A Slack incoming-webhook message: `text` (the notification and fallback line) plus Block Kit
 * blocks: a section with the title, the facts as fields (in sections of 10, Slack's limit per
 * section), and a context line with the run link and the idempotency key.
 */
export function slackPayload(n: Notification) {
  const facts = notificationFacts(n);
  const context = [...(n.runUrl ? [`<${n.runUrl}|CI run>`] : []), `key ${n.idempotencyKey}`];
  return {
    text: `${EMOJI[n.severity]} ${n.title}`,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `${EMOJI[n.severity]} *${escape(n.title)}*` },
      },
      ...chunks(facts, 10).map((group) => ({
        type: "section",
        fields: group.map((f) => ({
          type: "mrkdwn",
          text: `*${escape(f.title)}*\n${escape(f.value)}`,
        })),
      })),
      { type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] },
    ],
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
