import type { Argv } from "yargs";
import type { FleetStack } from "../../fleet/fleet-stack";
import { type StagingPass, stagingPasses } from "../../progress/staging-record";
import type { FleetStore } from "../../store/fleet-store";
import { isStagingStack } from "../../plan/build-plan";
import { activeFreezeWindow, describeFreezeWindow } from "../../settings/freeze-windows";
import { ExitCode } from "../../support/exit-codes";
import { invalidValue, UserError } from "../../support/user-error";
import type { CommandContext } from "../command-context";
import { exitCodeOf, outcomeJson, printOutcome } from "../outcome-text";
import { loggerFor, runDriver, sessionPlaces, simulate } from "../driver-session";
import { type LiveViewArgs, startLiveView, withLiveViewOptions } from "../live-view-options";
import { driverLauncher } from "../driver-launcher";
import { resolveRollout, type RolloutArgs, withRolloutOptions } from "../rollout-options";
import { type EngineArgs, withEngineOptions, withTimingsOption } from "../engine-options";

type DeployArgs = RolloutArgs &
  EngineArgs &
  LiveViewArgs & {
    release?: string;
    "dry-run": boolean;
    approve?: string;
    ui: boolean;
    "skip-staging": boolean;
  };

export function deployCommand(context: CommandContext) {
  return {
    command: "deploy",
    describe: "Roll a release across the fleet, wave by wave, gated and journaled",
    builder: (yargs: Argv) =>
      withTimingsOption(withLiveViewOptions(withEngineOptions(withRolloutOptions(yargs))))
        .option("ui", {
          type: "boolean",
          default: false,
          describe: "Serve the live release view while the rollout runs (see `ui`)",
        })
        .option("release", { type: "string", describe: "Release version (semver), e.g. 2.1.0" })
        .option("dry-run", {
          type: "boolean",
          default: false,
          describe: "Rehearse against a simulated engine: print every operation, change nothing",
        })
        .option("approve", {
          type: "string",
          describe: "Approval before each wave: none or each-wave",
        })
        .option("skip-staging", {
          type: "boolean",
          default: false,
          describe:
            "Deploy production stacks without a fresh staging pass of the release (recorded in the journal)",
        }),
    handler: async (args: DeployArgs) => {
      const { io } = context;
      const resolved = resolveRollout(args, args.release, io.env);
      const approval =
        args.approve === undefined ? resolved.settings.approval : parseApproval(args.approve);
      const settings = { ...resolved.settings, approval };
      const { plan } = resolved;

      if (args["dry-run"] && args.ui) {
        throw new UserError(
          "--ui cannot be used with --dry-run: a dry run keeps no journal to show",
        );
      }
      if (args["dry-run"]) {
        const { outcome, operations } = await simulate(plan, resolved.selected, settings);
        const frozen = activeFreezeWindow(settings.freezeWindows, Date.now());
        if (args.json) {
          io.stdout.write(
            `${JSON.stringify({ dryRun: true, release: plan.release, outcome: outcomeJson(outcome), operations, freezeWindow: frozen?.name ?? null })}\n`,
          );
        } else {
          io.stdout.write(
            `dry run of release ${plan.release}: ${operations.length} engine operations, outcome ${outcome.kind}\n`,
          );
          io.stdout.write(
            operations.map((op, i) => `  ${String(i + 1).padStart(3)}. ${op}\n`).join(""),
          );
          if (frozen)
            io.stdout.write(
              `note: freeze window ${describeFreezeWindow(frozen)} is active now; a real deploy would be refused\n`,
            );
        }
        context.setExit(outcome.kind === "succeeded" ? ExitCode.Success : exitCodeOf(outcome));
        return;
      }

      // The live view starts first, so a busy port stops the deploy before anything changed.
      const live = args.ui
        ? await startLiveView({
            io,
            args,
            store: sessionPlaces({
              io,
              args,
              projectDir: resolved.projectDir,
              settings,
              fleet: resolved.selected,
            }).store,
            release: plan.release,
            approval,
            launch: driverLauncher(io, args, resolved.projectDir, context.commandLine),
            log: loggerFor(io, args.json),
          })
        : undefined;
      const { store } = sessionPlaces({
        io,
        args,
        projectDir: resolved.projectDir,
        settings,
        fleet: resolved.selected,
      });
      let outcome;
      try {
        outcome = await runDriver(
          {
            io,
            args,
            projectDir: resolved.projectDir,
            settings,
            fleet: resolved.selected,
            release: plan.release,
            command: context.commandLine,
            onEvent: live ? () => live.server.nudge() : undefined,
          },
          (executor) =>
            executor.start(plan, context.commandLine, {
              stagingStacks: unselectedStagingStacks(resolved.fleet, resolved.selected),
              skipStaging: args["skip-staging"],
              passesElsewhere: () => otherReleasesPasses(store, plan.release),
            }),
        );
      } finally {
        await live?.server.stop();
      }
      printOutcome(io, args.json, plan.release, outcome);
      context.setExit(exitCodeOf(outcome));
    },
  };
}

/**
 * The fleet's staging stacks of the selection's target that the selection leaves out: a
 * production-only deploy needs them to have passed wave 0 with the release first.
 */
function unselectedStagingStacks(
  fleet: readonly FleetStack[],
  selected: readonly FleetStack[],
): string[] {
  const targets = new Set(selected.map((stack) => stack.target));
  const names = new Set(selected.map((stack) => stack.name));
  return fleet
    .filter((s) => isStagingStack(s) && targets.has(s.target) && !names.has(s.name))
    .map((s) => s.name);
}

/** Staging passes in the other releases' journals: a refusal names the latest one found. */
async function otherReleasesPasses(store: FleetStore, release: string): Promise<StagingPass[]> {
  const journals = await store.journals.allJournals();
  return journals.filter((j) => j.release !== release).flatMap((j) => stagingPasses(j.events));
}

export function parseApproval(value: string): "none" | "each-wave" {
  if (value === "none" || value === "each-wave") return value;
  throw invalidValue("--approve", value, "must be none or each-wave");
}
