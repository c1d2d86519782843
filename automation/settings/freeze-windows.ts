import { z } from "zod";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;

/** A period in which no wave may start: either fixed dates or a weekly slot, all in UTC. */
export const freezeWindowSchema = z.union([
  z
    .object({
      name: z.string().min(1),
      start: z
        .string()
        .datetime({ offset: true, message: "must be an ISO time like 2025-12-20T00:00:00Z" }),
      end: z
        .string()
        .datetime({ offset: true, message: "must be an ISO time like 2026-01-05T00:00:00Z" }),
    })
    .strict(),
  z
    .object({
      name: z.string().min(1),
      days: z.array(z.enum(DAYS, { message: `must be among ${DAYS.join(", ")}` })).min(1),
      from: z.string().regex(HHMM, "must be HH:MM in UTC"),
      to: z.string().regex(HHMM, "must be HH:MM in UTC (24:00 for the end of the day)"),
    })
    .strict(),
]);

export type FreezeWindow = z.infer<typeof freezeWindowSchema>;

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(":").map(Number);
  return hours * 60 + minutes;
}

/** The window that covers `now`, if any. Pure. */
export function activeFreezeWindow(
  windows: readonly FreezeWindow[],
  now: number,
): FreezeWindow | undefined {
  const date = new Date(now);
  const minute = date.getUTCHours() * 60 + date.getUTCMinutes();
  const day = DAYS[date.getUTCDay()];
  return windows.find((window) => {
    if ("start" in window) return now >= Date.parse(window.start) && now < Date.parse(window.end);
    return (
      window.days.includes(day) && minute >= minutesOf(window.from) && minute < minutesOf(window.to)
    );
  });
}

export function describeFreezeWindow(window: FreezeWindow): string {
  return "start" in window
    ? `"${window.name}" (${window.start} to ${window.end})`
    : `"${window.name}" (${window.days.join(",")} ${window.from}-${window.to} UTC)`;
}
