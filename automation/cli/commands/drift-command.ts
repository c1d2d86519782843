import type { Argv } from "yargs";
import { comparableGroups, configDifferences, mergedStackConfig } from "../../fleet/config-diff";
import { projectDirFrom } from "../../fleet/project-dir";
import { discoverStacks } from "../../fleet/stack-discovery";
import { requirePassphrases } from "../../engine/engine-profile";
import { selectStacks } from "../../plan/plan-inputs";
import { ExitCode } from "../../support/exit-codes";
import { messageOf } from "../../support/retry";
import type { CommandContext } from "../command-context";
import { profileFor } from "../driver-places";
import { loggerFor } from "../driver-session";
import { underFleetLock } from "../fleet-lock-session";
import { listOption } from "../list-option";
import { type CommonArgs, resolveSettings, withCommonOptions } from "../rollout-options";
import { type EngineArgs, realEngine, withEngineOptions } from "../engine-options";
import type { StackOutputs } from "../../engine/engine-port";
import {
  consistencyText,
  judgeConsistency,
  type ReleaseStanding,
} from "../../operations/fleet-consistency";
import { latestStanding } from "../../operations/fleet-standing";
import { servedVersionsFromOutputs } from "../../progress/served-versions";
import { commandStore } from "../driver-places";

type DriftArgs = CommonArgs & EngineArgs & { stacks?: (string | number)[]; "config-only": boolean };

export function driftCommand(context: CommandContext) {
  return {
    command: "drift",
    describe:
      "Refresh and preview every stack expecting no changes; diff the merged config across regions",
    builder: (yargs: Argv) =>
      withEngineOptions(withCommonOptions(yargs))
        .option("stacks", {
          type: "string",
          array: true,
          describe: "Stacks to check, comma separated (default: all)",
        })
        .option("config-only", {
          type: "boolean",
          default: false,
          describe: "Only diff the merged config; do not run the engine",
        }),
    handler: async (args: DriftArgs) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      const all = discoverStacks(projectDir);
      // Drift looks at the whole fleet unless told otherwise: both targets, grouped apart.
      const stacks = args.stacks ? selectStacks(all, listOption(args.stacks)) : all;
      const merged = Object.fromEntries(
        stacks.map((s) => [s.name, mergedStackConfig(projectDir, s.name)]),
      );
      const global = Object.values(merged)[0]?.global ?? {};
      const configs = Object.fromEntries(
        Object.entries(merged).map(([name, m]) => [name, m.merged]),
      );
      const groups = comparableGroups(configs).map((group) => ({
        ...group,
        differences: configDifferences(
          Object.fromEntries(group.stacks.map((s) => [s, configs[s]])),
          global,
        ),
      }));
      const differences = groups.flatMap((g) => g.differences);

      const engineResults: { stack: string; changes: Record<string, number>; error?: string }[] =
        [];
      const outputs: Record<string, StackOutputs | undefined> = {};
      if (!args["config-only"]) {
        const log = loggerFor(io, args.json);
        const profile = profileFor(args, stacks, io.env);
        if (profile.kind === "backend") requirePassphrases(stacks, profile.backendUrl, io.env);
        // A refresh writes the state: no driver may be moving these stacks meanwhile.
        const operation = {
          io,
          args,
          projectDir,
          settings: resolveSettings(args, io.env),
          fleet: stacks,
          command: context.commandLine,
          operation: "drift",
          log,
        };
        await underFleetLock(operation, async () => {
          const engine = await realEngine(profile, args, projectDir, log, io.env);
          for (const stack of stacks) {
            try {
              await engine.prepareStack(stack.name);
              await engine.refresh(stack.name);
              const preview = await engine.preview(stack.name, {
                policyPacks: [],
                policyPackConfigs: [],
                expectNoChanges: true,
              });
              const changes = Object.fromEntries(
                Object.entries(preview.changes).filter(([op, n]) => op !== "same" && n > 0),
              );
              engineResults.push({ stack: stack.name, changes });
            } catch (err) {
              engineResults.push({ stack: stack.name, changes: {}, error: messageOf(err) });
            }
            // A stack never deployed has no outputs: it serves nothing yet.
            outputs[stack.name] = await engine.outputs(stack.name).catch(() => undefined);
          }
        });
      }

      // The versions the Outposts serve, by their outputs: two is drift, with the fix named.
      const consistency = args["config-only"]
        ? null
        : judgeConsistency(
            servedVersionsFromOutputs(outputs),
            await standingOf(args, projectDir, io.env),
          );
      const split = consistency?.kind === "split";
      const drifted = engineResults.filter(
        (r) => r.error !== undefined || Object.keys(r.changes).length > 0,
      );
      const unexpected = differences.filter((d) => !d.expected);
      if (args.json) {
        io.stdout.write(
          `${JSON.stringify({ stacks: engineResults, config: groups, consistency })}\n`,
        );
      } else {
        for (const result of engineResults) {
          const summary =
            result.error ??
            (Object.keys(result.changes).length === 0
              ? "in sync"
              : `would change: ${JSON.stringify(result.changes)}`);
          io.stdout.write(`stack ${result.stack}: ${summary}\n`);
        }
        for (const group of groups) {
          const odd = group.differences.filter((d) => !d.expected).length;
          io.stdout.write(
            `merged config of ${group.name} (${group.stacks.join(", ")}): ${group.differences.length} key(s) differ, ${odd} unexpected (!)\n`,
          );
          for (const difference of group.differences) {
            const values = Object.entries(difference.values)
              .map(([stack, v]) => `${stack}=${shorten(JSON.stringify(v) ?? "(unset)")}`)
              .join("  ");
            io.stdout.write(`  ${difference.expected ? " " : "!"} ${difference.key}: ${values}\n`);
          }
        }
      }
      if (consistency && !args.json) io.stdout.write(`${consistencyText(consistency)}\n`);
      context.setExit(
        drifted.length > 0 || unexpected.length > 0 || split
          ? ExitCode.DriftDetected
          : ExitCode.Success,
      );
    },
  };
}

/** The latest release's standing, to name the command that fixes a split; none without a journal. */
async function standingOf(
  args: DriftArgs,
  projectDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ReleaseStanding | undefined> {
  try {
    const { store } = commandStore(args, projectDir, env, resolveSettings(args, env).lock);
    return await latestStanding(store);
  } catch {
    // No readable journal: the fix falls back to deploying the newest version served.
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
