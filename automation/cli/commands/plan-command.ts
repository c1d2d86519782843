import type { Argv } from "yargs";
import { formatPlan, planDocument } from "../../plan/format-plan";
import { ExitCode } from "../../support/exit-codes";
import type { CommandContext } from "../command-context";
import { describePlaces, journalPlace, orError, profileFor } from "../driver-places";
import { appendStepSummary, planSummary } from "../github-actions";
import { resolveRollout, type RolloutArgs, withRolloutOptions } from "../rollout-options";

export function planCommand({ io, setExit }: CommandContext) {
  return {
    command: "plan",
    describe: "Print the whole rollout of a release and where it would run; nothing is changed",
    builder: (yargs: Argv) =>
      withRolloutOptions(yargs).option("release", {
        type: "string",
        describe: "Release version (semver), e.g. 2.1.0",
      }),
    handler: (args: RolloutArgs & { release?: string }) => {
      const { plan, projectDir, selected } = resolveRollout(args, args.release, io.env);
      // Where a deploy would run; a plan is printed even when that is not configured yet.
      const profile = orError(() => profileFor(args, selected, io.env));
      const journal =
        profile instanceof Error
          ? profile
          : orError(() => journalPlace(args, projectDir, profile, io.env));
      const places = describePlaces(profile, journal);
      io.stdout.write(
        args.json
          ? `${JSON.stringify({ ...planDocument(plan), ...places }, null, 2)}\n`
          : `${formatPlan(plan)}\nbackend: ${places.backend}\njournal: ${places.journal}\n`,
      );
      appendStepSummary(io.env, planSummary(plan, places));
      setExit(ExitCode.Success);
    },
  };
}
