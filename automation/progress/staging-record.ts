import { STAGING_WAVE } from "../plan/plan-types";
import type { JournalEvent } from "../journal/journal-events";

/**
 * One staging pass: an attempt of a release completed wave 0, so its staging stacks took the
 * release and passed their test gates, with the image digest that attempt deployed.
 */
export interface StagingPass {
  readonly release: string;
  /** `sha256:...` of the image the attempt deployed; undefined when its plan did not know it. */
  readonly imageDigest: string | undefined;
  readonly attempt: number;
  /** When wave 0 completed (the `wave-completed` event's time). */
  readonly at: string;
}

/**
 * Every staging pass in one release's journal, oldest first, over every attempt. A later
 * failure in production does not undo a pass: staging still tested that build.
 */
export function stagingPasses(events: readonly JournalEvent[]): StagingPass[] {
  const passes: StagingPass[] = [];
  let attempt: { release: string; imageDigest: string | undefined; attempt: number } | undefined;
  for (const event of events) {
    if (event.type === "release-started") {
      const { release, artifacts } = event.plan;
      attempt = { release, imageDigest: artifacts?.imageDigest, attempt: event.attempt };
    } else if (
      event.type === "wave-completed" &&
      event.wave === STAGING_WAVE &&
      attempt !== undefined
    ) {
      passes.push({ ...attempt, at: event.at });
    }
  }
  return passes;
}
