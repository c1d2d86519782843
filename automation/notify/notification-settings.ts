import { z } from "zod";
import { TRIGGERS, type Trigger } from "./notification";

const SECRET_REF_MESSAGE =
  "must be { env: NAME } or { secretsManager: { secretId: ..., region?: ..., jsonKey?: ... } }: " +
  "a webhook URL carries its credential, so it never appears in plain text in this file";

/** Where a sink's URL comes from: an environment variable or a Secrets Manager secret. */
export const secretRefSchema = z.union(
  [
    z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
    z
      .object({
        secretsManager: z
          .object({
            secretId: z.string().min(1),
            /** Default: AWS_REGION of the driver. */
            region: z.string().min(1).optional(),
            /** When the secret is a JSON object: the key that holds the URL. */
            jsonKey: z.string().min(1).optional(),
          })
          .strict(),
      })
      .strict(),
  ],
  { errorMap: () => ({ message: SECRET_REF_MESSAGE }) },
);

export type SecretRef = z.infer<typeof secretRefSchema>;

const sinkSchema = z
  .object({
    /** Named in logs (never the URL). */
    name: z.string().min(1),
    type: z.enum(["webhook", "slack", "teams"], {
      message: "must be webhook (generic JSON), slack (incoming webhook) or teams (Workflows)",
    }),
    url: secretRefSchema,
    /** Triggers this sink gets; default: all. */
    events: z
      .array(
        z.enum(TRIGGERS as unknown as [Trigger, ...Trigger[]], {
          message: `must be one of ${TRIGGERS.join(", ")}`,
        }),
      )
      .min(1)
      .optional(),
  })
  .strict();

/** `notifications` in automation/driver.yaml. */
export const notificationSettingsSchema = z
  .object({
    sinks: z
      .array(sinkSchema)
      .default([])
      .superRefine((sinks, ctx) => {
        const seen = new Set<string>();
        sinks.forEach((sink, index) => {
          if (seen.has(sink.name))
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [index, "name"],
              message: `"${sink.name}" is used by two sinks: names must be unique`,
            });
          seen.add(sink.name);
        });
      }),
    /** Notifications waiting per sink; past this the oldest is dropped (and logged). */
    queueSize: z.number().int().min(1).max(10_000).default(200),
    /** Tries per notification, on 5xx, 429, timeouts and network errors. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    initialBackoffSeconds: z.number().positive().max(300).default(1),
    maxBackoffSeconds: z.number().positive().max(3600).default(30),
    timeoutSeconds: z.number().positive().max(120).default(5),
    /** How long a driver that is done waits for notifications still queued before it exits. */
    drainSeconds: z.number().min(0).max(300).default(5),
  })
  .strict();

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
export type SinkSettings = NotificationSettings["sinks"][number];
