import { STAGING_WAVE } from "../plan/plan-types";
import type { JournalEvent } from "../journal/journal-events";

/**
 * Whether some attempt of this release (its journal, every attempt) completed wave 0: the
 * staging stacks took the release and passed their test gates. A later failure in production
 * does not undo it: staging still tested this release.
 */
export function passedStaging(events: readonly JournalEvent[]): boolean {
  return events.some((event) => event.type === "wave-completed" && event.wave === STAGING_WAVE);
}
