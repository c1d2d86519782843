import {
  type Deployment,
  type EngineEvent,
  LocalWorkspace,
  type PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import { STACK_OUTPUTS, type OutpostOutputs } from "../../infra/contract";
import type { Target } from "../fleet/fleet-stack";
import type { Clock } from "../support/clock";
import type { Logger } from "../support/logger";
import { withRetries } from "../support/retry";
import {
  checkDriverConfigChange,
  configPathValues,
  DEPLOYMENT_KEY,
  OUTPOSTS_KEY,
  parseConfigValue,
  parseDeployment,
  RELEASE_KEY,
} from "./driver-config-keys";
import { isConcurrentUpdate, shortEngineMessage } from "./engine-errors";
import { type EngineProgram, engineProgram, type ProgramMode } from "./engine-program";
import {
  type DriverConfig,
  type DriverConfigChange,
  EngineError,
  type EnginePort,
  type PendingOperation,
  PendingOperationsError,
  type PolicyViolation,
  type PreviewOptions,
  type PreviewOutcome,
  type StackOutputs,
} from "./engine-port";
import { outpostTargets, type StateResource } from "./outpost-targets";
import { readFileBackendState, stackOutputsOf } from "./file-backend-state";
import { PROJECT_ROOT, type PulumiEnvironment } from "./pulumi-environment";
import { removeStaleBackendLocks } from "./stale-backend-locks";

export interface AutomationApiEngineOptions {
  /** The Pulumi project folder (the repo root, where Pulumi.yaml lives). */
  readonly workDir: string;
  readonly environment: PulumiEnvironment;
  readonly command: PulumiCommand;
  readonly clock: Clock;
  readonly log: Logger;
  /** Tries of an operation that meets a concurrent update or a locked stack. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  /**
   * `compiled`: this repository's program runs from its cached build (engine-program.ts);
   * `source`: the TypeScript source through ts-node. Default: `$OUTPOST_FLEET_ENGINE_PROGRAM`,
   * else compiled. Another project's program always runs as it is.
   */
  readonly program?: ProgramMode;
}

/** The stack outputs the adapter reads after an update. */
const READ_OUTPUTS = [
  STACK_OUTPUTS.deployment,
  STACK_OUTPUTS.target,
  STACK_OUTPUTS.release,
  STACK_OUTPUTS.outposts,
  STACK_OUTPUTS.runtimeFingerprint,
];

/**
 * `PulumiCommand.run`: the SDK's own runner of one CLI command (non-interactive, its errors
 * mapped to CommandError, ConcurrentUpdateError, ...). Internal to the SDK, so not in its
 * typings; `Stack.up` calls it, then runs three more commands for its result's outputs and
 * summary, which the driver does not use.
 */
interface CommandRunner {
  run(
    args: string[],
    cwd: string,
    env: Record<string, string>,
    onOutput?: (text: string) => void,
  ): Promise<{ readonly stdout: string; readonly stderr: string; readonly code: number }>;
}

/**
 * The engine port on the Pulumi Automation API: a LocalWorkspace on the real program folder,
 * with the backend, passphrase and CLI from pulumiEnvironment(). Thin on purpose; what it adds:
 * a targeted `up` selects Outposts by their site components' URNs (outpost-targets.ts); a
 * concurrent update or a locked stack is retried with backoff; and pending operations left by
 * an interrupted update stop the driver (PendingOperationsError) instead of being cleared.
 * Per step it runs one CLI process: this repository's program from its compiled build
 * (engine-program.ts), the state and outputs read from a file backend's checkpoint
 * (file-backend-state.ts), and `pulumi up` without Stack.up's extra commands.
 */
export class AutomationApiEngine implements EnginePort {
  private readonly stacks = new Map<string, Stack>();
  private program: EngineProgram | undefined;

  constructor(private readonly options: AutomationApiEngineOptions) {}

  /**
   * Selects the stack (creating it when new) and brings its stack file's deployment state up
   * to what the backend last deployed (the `deployment` output). The stack file lives in the
   * runner's checkout: on a fresh CI runner it may be behind the fleet, and an update from a
   * stale file would move Outposts back. The backend's record wins.
   */
  async prepareStack(name: string): Promise<void> {
    const stack = await this.stack(name);
    const deployed = (await this.stackOutputs(name))[STACK_OUTPUTS.deployment]?.value as
      | Record<string, unknown>
      | undefined;
    if (deployed === undefined) return;
    const config = await stack.getAllConfig();
    const configured = parseDeployment(config[DEPLOYMENT_KEY]?.value);
    const listed = new Set(
      (
        (parseConfigValue(config[OUTPOSTS_KEY]?.value) as { name?: string }[] | undefined) ?? []
      ).map((outpost) => outpost.name),
    );
    const behind = Object.entries(parseDeployment(JSON.stringify(deployed))).filter(
      ([outpost, state]) =>
        listed.has(outpost) && JSON.stringify(configured[outpost]) !== JSON.stringify(state),
    );
    if (behind.length === 0) return;
    this.options.log.warn(
      { stack: name },
      `the stack file's deployment state is behind what is deployed for ${behind.map(([o]) => o).join(", ")}; ` +
        `using the deployed state (commit the stack files after a release)`,
    );
    await this.writeDriverConfig(name, { deployment: Object.fromEntries(behind) });
  }

  async readDriverConfig(name: string): Promise<DriverConfig> {
    const config = await (await this.stack(name)).getAllConfig();
    const release = parseConfigValue(config[RELEASE_KEY]?.value) as
      | { version?: string }
      | undefined;
    return {
      release: release?.version,
      deployment: parseDeployment(config[DEPLOYMENT_KEY]?.value),
    };
  }

  async writeDriverConfig(name: string, change: DriverConfigChange): Promise<void> {
    checkDriverConfigChange(name, change);
    const values = configPathValues(change);
    if (Object.keys(values).length === 0) return;
    const config = Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, { value }]),
    );
    await (await this.stack(name)).setAllConfig(config, true);
  }

  async preview(name: string, options: PreviewOptions): Promise<PreviewOutcome> {
    const violations: PolicyViolation[] = [];
    const onEvent = (event: EngineEvent) => {
      const policy = event.policyEvent;
      if (policy) {
        violations.push({
          policyPack: policy.policyPackName,
          policy: policy.policyName,
          enforcement: policy.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
          message: policy.message.trim(),
          urn: policy.resourceUrn,
        });
      }
    };
    try {
      const result = await this.withRecovery(name, "preview", async (stack) =>
        stack.preview({
          policyPacks: [...options.policyPacks],
          policyPackConfigs: [...options.policyPackConfigs],
          onEvent,
          onOutput: (text) => this.options.log.debug({ stack: name }, text.trimEnd()),
        }),
      );
      return { changes: { ...result.changeSummary }, violations };
    } catch (err) {
      // A mandatory violation fails the preview; the violations say why, the error does not.
      if (violations.some((v) => v.enforcement === "mandatory")) return { changes: {}, violations };
      throw err;
    }
  }

  async up(name: string, options: { readonly outposts?: readonly string[] } = {}): Promise<void> {
    const state = await this.exportedState(name);
    const pending = pendingOperationsIn(state);
    // `pulumi up` only warns about pending operations and goes on; the driver stops instead.
    if (pending.length > 0) throw new PendingOperationsError(name, "up", pending, options.outposts);
    const targets = options.outposts
      ? outpostTargets(resourcesIn(state), options.outposts)
      : undefined;
    if (options.outposts && targets === undefined) {
      this.options.log.info(
        { stack: name },
        `${options.outposts.join(", ")}: not in the state yet; updating the whole stack to create them`,
      );
    }
    await this.withRecovery(
      name,
      "up",
      (stack) => this.runUp(stack, name, targets),
      options.outposts,
    );
  }

  /**
   * `pulumi up` alone, as `Stack.up` runs it (the same flags, runner and errors), without the
   * `stack output` (twice) and `stack history` that Stack.up runs after it for its result.
   */
  private async runUp(stack: Stack, name: string, targets: string[] | undefined): Promise<void> {
    const onOutput = (text: string) => this.options.log.debug({ stack: name }, text.trimEnd());
    const runner = this.options.command as unknown as Partial<CommandRunner>;
    if (typeof runner.run !== "function") {
      await stack.up({ target: targets, onOutput });
      return;
    }
    const args = ["up", "--yes", "--skip-preview", "--exec-kind", "auto.local"];
    for (const urn of targets ?? []) args.push("--target", urn);
    args.push("--stack", name, "--non-interactive");
    const { projectDir } = this.engineProgram();
    await runner.run.call(
      this.options.command,
      args,
      projectDir,
      { PULUMI_DEBUG_COMMANDS: "true", ...this.envVars() },
      onOutput,
    );
  }

  async outputs(name: string): Promise<StackOutputs> {
    const outputs = await this.stackOutputs(name);
    const target = outputs[STACK_OUTPUTS.target]?.value as Target | undefined;
    return {
      target: target ?? "aws",
      release: outputs[STACK_OUTPUTS.release]?.value as string | undefined,
      outposts: (outputs[STACK_OUTPUTS.outposts]?.value ?? {}) as Record<string, OutpostOutputs>,
      runtimeFingerprint: outputs[STACK_OUTPUTS.runtimeFingerprint]?.value as string | undefined,
    };
  }

  async kubeconfig(name: string, outpost: string): Promise<string | undefined> {
    const outputs = await (await this.stack(name)).outputs();
    const all = outputs[STACK_OUTPUTS.kubeconfigs]?.value as Record<string, string> | undefined;
    return all?.[outpost];
  }

  async refresh(
    name: string,
    options: { readonly clearPendingCreates?: boolean } = {},
  ): Promise<void> {
    await this.withRecovery(name, "refresh", (stack) =>
      stack.refresh({
        clearPendingCreates: options.clearPendingCreates,
        onOutput: (text) => this.options.log.debug({ stack: name }, text.trimEnd()),
      }),
    );
  }

  async pendingOperations(name: string): Promise<readonly PendingOperation[]> {
    return pendingOperationsIn(await this.exportedState(name));
  }

  async cancel(name: string): Promise<void> {
    await (await this.stack(name)).cancel();
  }

  async readConfig(name: string): Promise<Readonly<Record<string, unknown>>> {
    const config = await (await this.stack(name)).getAllConfig();
    return Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        value.secret ? "[secret]" : parseConfigValue(value.value),
      ]),
    );
  }

  private async stack(name: string): Promise<Stack> {
    const cached = this.stacks.get(name);
    if (cached) return cached;
    const { command } = this.options;
    const { projectDir } = this.engineProgram();
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: name, workDir: projectDir },
      { workDir: projectDir, pulumiCommand: command, envVars: this.envVars() },
    );
    this.stacks.set(name, stack);
    return stack;
  }

  /** The program this engine runs (the compiled build is made, or reused, on first use). */
  private engineProgram(): EngineProgram {
    this.program ??= engineProgram(this.options.workDir, PROJECT_ROOT, this.options.program);
    return this.program;
  }

  private envVars(): Record<string, string> {
    return { ...this.options.environment.env, ...this.engineProgram().env };
  }

  /**
   * The stack's state as `stack export` gives it: from the checkpoint file on a file backend
   * (file-backend-state.ts), else from the CLI.
   */
  private async exportedState(name: string): Promise<Deployment> {
    const stack = await this.stack(name);
    const { backendUrl } = this.options.environment;
    const state = readFileBackendState(backendUrl, this.engineProgram().projectName, name);
    return state ?? (await stack.exportStack());
  }

  /**
   * The outputs the adapter reads, as `Stack.outputs()` gives them: from the checkpoint file
   * on a file backend unless one of them is a secret (only the CLI decrypts), else the CLI.
   */
  private async stackOutputs(
    name: string,
  ): Promise<Record<string, { value?: unknown; secret?: boolean }>> {
    const stack = await this.stack(name);
    const { backendUrl } = this.options.environment;
    const state = readFileBackendState(backendUrl, this.engineProgram().projectName, name);
    return (state && stackOutputsOf(state, READ_OUTPUTS)) ?? (await stack.outputs());
  }

  /**
   * Retries an operation that meets a concurrent update or a locked stack, with backoff. A
   * file-backend lock is removed only when it provably belongs to a dead process of this user
   * on this host (stale-backend-locks.ts); other backends' locks are never touched.
   */
  private async withRecovery<T>(
    name: string,
    operation: string,
    action: (stack: Stack) => Promise<T>,
    outposts: readonly string[] = [],
  ): Promise<T> {
    const { clock, log, environment } = this.options;
    try {
      return await withRetries(async () => action(await this.stack(name)), {
        attempts: this.options.attempts ?? 6,
        baseDelayMs: this.options.baseDelayMs ?? 2000,
        clock,
        retryable: isConcurrentUpdate,
        onRetry: (_err, attempt, delayMs) => {
          const removed = removeStaleBackendLocks(environment.backendUrl, name);
          for (const holder of removed)
            log.warn({ stack: name }, `removed a stale stack lock held by ${holder}`);
          log.warn(
            { stack: name, attempt, delayMs },
            `${operation}: the stack is busy (another update or a lock); retrying`,
          );
        },
      });
    } catch (err) {
      throw new EngineError(
        `${operation} of stack ${name} failed: ${shortEngineMessage(err)}`,
        name,
        operation,
        outposts,
      );
    }
  }
}

/** The resources of an exported deployment. */
function resourcesIn(state: Deployment): StateResource[] {
  return ((state.deployment as { resources?: StateResource[] } | undefined)?.resources ??
    []) as StateResource[];
}

/** `pending_operations` of an exported deployment (apitype.DeploymentV3). */
export function pendingOperationsIn(state: Deployment): PendingOperation[] {
  const deployment = state.deployment as
    | { pending_operations?: { resource?: { urn?: string }; type?: string }[] }
    | undefined;
  return (deployment?.pending_operations ?? []).map((op) => ({
    urn: op.resource?.urn ?? "(unknown resource)",
    operation: op.type ?? "unknown",
  }));
}
