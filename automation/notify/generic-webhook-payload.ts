import type { Notification } from "./notification";

export const NOTIFICATION_SCHEMA = "outpost-fleet.notification/v1";

/** The generic JSON webhook: the notification as it is, with its schema and when it was sent. */
export function genericWebhookPayload(n: Notification, sentAt: string) {
  return { schema: NOTIFICATION_SCHEMA, sentAt, ...n };
}
