import type { Notification, Severity } from "./notification";
import { notificationFacts } from "./notification-facts";

/** Adaptive Card text colors (https://adaptivecards.io/explorer/TextBlock.html). */
const COLOR: Record<Severity, string> = {
  info: "Default",
  success: "Good",
  warning: "Warning",
  error: "Attention",
};

/**
 * A Microsoft Teams Workflows message ("When a Teams webhook request is received" → post card):
 * a `message` whose attachment is an Adaptive Card 1.4 with the title, a FactSet and a button
 * to the CI run. Workflows take Adaptive Cards only, not the old connector MessageCard.
 */
export function teamsCardPayload(n: Notification) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              text: n.title,
              weight: "Bolder",
              size: "Medium",
              color: COLOR[n.severity],
              wrap: true,
            },
            { type: "FactSet", facts: notificationFacts(n) },
          ],
          actions: n.runUrl
            ? [{ type: "Action.OpenUrl", title: "Open the CI run", url: n.runUrl }]
            : [],
          msteams: { width: "Full" },
        },
      },
    ],
  };
}
