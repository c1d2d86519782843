import type { Argv } from "yargs";
import type { PendingOperation } from "../../engine/engine-port";
import { projectDirFrom } from "../../fleet/project-dir";
import { discoverStacks } from "../../fleet/stack-discovery";
import { selectStacks } from "../../plan/plan-inputs";
import { ExitCode } from "../../support/exit-codes";
import { UserError } from "../../support/user-error";
import type { CommandContext } from "../command-context";
import { loggerFor } from "../driver-session";
import { profileFor } from "../driver-places";
import { underFleetLock } from "../fleet-lock-session";
import { type CommonArgs, resolveSettings, withCommonOptions } from "../rollout-options";
import { type EngineArgs, realEngine, withEngineOptions } from "../engine-options";

type RepairArgs = CommonArgs & EngineArgs & { stack?: string; "clear-pending-creates": boolean };

/**
 * `repair`: resolves the operations an interrupted update left pending on one stack, the way
 * Pulumi's guide says: an operator checks the resources in the provider first, then a refresh
 * reads their real state. Pending creates are dropped only when the operator says they did not
 * happen (`--clear-pending-creates`): dropping one that did would orphan a cloud resource, and
 * creating it again would collide. Runs under the fleet lock, so no driver acts meanwhile.
 */
export function repairCommand(context: CommandContext) {
  return {
    command: "repair",
    describe: "Show the operations an interrupted update left pending on a stack, then refresh it",
    builder: (yargs: Argv) =>
      withEngineOptions(withCommonOptions(yargs))
        .option("stack", { type: "string", describe: "The stack to repair" })
        .option("clear-pending-creates", {
          type: "boolean",
          default: false,
          describe:
            "Drop pending creates from the state: only after checking they did not happen in the provider",
        }),
    handler: async (args: RepairArgs) => {
      const { io } = context;
      const projectDir = projectDirFrom(args["project-dir"], io.env);
      if (args.stack === undefined) {
        throw new UserError("--stack is required: the stack whose pending operations to resolve");
      }
      const [stack] = selectStacks(discoverStacks(projectDir), [args.stack], undefined, "--stack");
      const log = loggerFor(io, args.json);
      const say = (message: string, fields: object = {}) =>
        io.stdout.write(args.json ? `${JSON.stringify({ message, ...fields })}\n` : `${message}\n`);
      const profile = profileFor(args, [stack], io.env);
      const operation = {
        io,
        args,
        projectDir,
        settings: resolveSettings(args, io.env),
        fleet: [stack],
        command: context.commandLine,
        operation: "repair",
        log,
      };
      await underFleetLock(operation, async () => {
        const engine = await realEngine(profile, args, projectDir, log, io.env);
        await engine.prepareStack(stack.name);
        const pending = await engine.pendingOperations(stack.name);
        if (pending.length === 0) {
          say(`stack ${stack.name} has no pending operations; nothing to repair`, { pending });
          context.setExit(ExitCode.NothingToDo);
          return;
        }
        say(describePending(stack.name, pending), { pending });
        const creates = pending.filter((op) => op.operation === "creating");
        if (creates.length > 0 && !args["clear-pending-creates"]) {
          throw new UserError(
            `${creates.length} pending create(s) on ${stack.name}: check in the provider whether each ` +
              `exists. If none does, run again with --clear-pending-creates. If one does, bring it ` +
              `into the state first (pulumi refresh --import-pending-creates <urn> <id>), then run repair again.`,
          );
        }
        await engine.refresh(stack.name, { clearPendingCreates: args["clear-pending-creates"] });
        const left = await engine.pendingOperations(stack.name);
        if (left.length > 0) {
          say(describePending(stack.name, left), { pending: left });
          context.setExit(ExitCode.RollbackIncomplete);
          return;
        }
        say(
          `stack ${stack.name} refreshed; no operation is pending. Continue with: outpost-fleet resume`,
          {
            pending: [],
          },
        );
      });
    },
  };
}

export function describePending(stack: string, pending: readonly PendingOperation[]): string {
  return [
    `stack ${stack}: ${pending.length} operation(s) left pending by an interrupted update:`,
    ...pending.map((op) => `  - ${op.operation} ${op.urn}`),
  ].join("\n");
}
