import type { Argv } from "yargs";
import { formatPlan, planDocument } from "../../plan/format-plan";
import { ExitCode } from "../../support/exit-codes";
import type { CommandContext } from "../command-context";
import { resolveRollout, type RolloutArgs, withRolloutOptions } from "../rollout-options";

export function planCommand({ io, setExit }: CommandContext) {
  return {
    command: "plan",
    describe: "Print the whole rollout of a release; nothing is changed",
    builder: (yargs: Argv) =>
      withRolloutOptions(yargs).option("release", {
        type: "string",
        describe: "Release version (semver), e.g. 2.1.0",
      }),
    handler: (args: RolloutArgs & { release?: string }) => {
      const { plan } = resolveRollout(args, args.release, io.env);
      io.stdout.write(
        args.json ? `${JSON.stringify(planDocument(plan), null, 2)}\n` : `${formatPlan(plan)}\n`,
      );
      setExit(ExitCode.Success);
    },
  };
}
