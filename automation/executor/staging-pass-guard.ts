import { stagingPasses } from "../progress/staging-record";
import type { ExecutionContext } from "./execution-context";
import type { ExecutorSettings } from "./executor-settings";
import { untestedRelease } from "./release-checks";
import type { RunOutcome } from "./run-outcome";

/** The default of `stagingTests.passMaxAgeHours`: a day-old test says little about today. */
export const DEFAULT_STAGING_PASS_MAX_AGE_HOURS = 24;

export function stagingPassMaxAgeHours(settings: ExecutorSettings): number {
  return settings.stagingPassMaxAgeHours ?? DEFAULT_STAGING_PASS_MAX_AGE_HOURS;
}

/**
 * At a boundary before production Outposts change (a production wave's start, the prestage):
 * the journal must show a fresh staging pass of this release and image digest, unless the
 * attempt skipped staging. A release that waited too long (an approval, a pause, a freeze
 * window) is recorded as paused there and held, blocked: staging must test it anew.
 */
export async function holdWithoutStagingPass(
  context: ExecutionContext,
  what: string,
): Promise<RunOutcome | undefined> {
  const progress = context.progress();
  const untested = untestedRelease(
    progress.plan,
    progress.staging,
    stagingPasses(context.events()),
    {
      now: context.deps.clock.now(),
      maxAgeHours: stagingPassMaxAgeHours(context.deps.settings),
      underWay: true,
    },
  );
  if (untested === undefined) return undefined;
  await context.record({ type: "paused", before: `${what} (${untested.reason})` });
  return untested;
}
