import {
  CONFIG_NAMESPACE,
  DRIVER_CONFIG_KEYS,
  type DeploymentState,
  type OutpostDeploymentState,
  type OutpostOutputs,
} from "../../infra/contract";
import { outpostOutputsFixture } from "../../infra/contract-fixtures";
import type { Target } from "../fleet/fleet-stack";
import { type Clock, systemClock } from "../support/clock";
import { checkDriverConfigChange } from "./driver-config-keys";
import {
  type DriverConfig,
  type DriverConfigChange,
  EngineError,
  type EnginePort,
  type PendingOperation,
  PendingOperationsError,
  type PreviewOptions,
  type PreviewOutcome,
  type StackOutputs,
} from "./engine-port";

export interface InMemoryStack {
  readonly name: string;
  readonly target: Target;
  readonly release: string | undefined;
  readonly deployment: DeploymentState;
  /** Outposts that run an Argo Rollout (AWS target). */
  readonly eksOutposts?: readonly string[];
}

export type OperationKind =
  | "prepare"
  | "read-config"
  | "write-config"
  | "preview"
  | "up"
  | "outputs"
  | "refresh"
  | "read-state"
  | "cancel";

export interface EngineOperation {
  readonly op: OperationKind;
  readonly stack: string;
  /** Outposts the operation touched (write-config: changed; up: targets; none: the whole stack). */
  readonly outposts?: readonly string[];
  readonly release?: string;
}

/** What an `up` does to one of its target Outposts: its deployed state before and after. */
export interface OutpostChange {
  readonly outpost: string;
  readonly before: OutpostDeploymentState | undefined;
  readonly after: OutpostDeploymentState | undefined;
}

/**
 * How long an operation takes (the bench's model of AWS): called with the operation and, for
 * an `up`, what it changes on each target Outpost; the engine sleeps that long on its clock.
 */
export type OperationTiming = (
  operation: EngineOperation,
  changes: readonly OutpostChange[],
) => number;

/** Decides whether an operation fails: return an error message to fail it. */
export type FaultRule = (operation: EngineOperation) => string | undefined;

/**
 * An engine that keeps stacks in memory: config changes are staged, and `up` applies them to
 * the "deployed" state of the targeted Outposts, which the outputs then report (shaped by
 * infra/contract-fixtures.ts). Like the real engine with targets, a targeted `up` leaves the
 * stack-wide resources alone: they follow `release` only in an untargeted `up`, and `preview`
 * reports them as changes until then (what `drift` sees); a targeted `up` naming an Outpost
 * that was never deployed updates the whole stack, as the adapter does. It refuses to update a
 * stack with pending operations, as the adapter does, and refuses two updates of one stack at
 * once where the adapter waits its turn (engine-port.ts, "Where the engines differ"). Used by
 * tests, the bench and --dry-run; the contract both engines keep is
 * test/support/engine-port-contract.ts.
 */
export class InMemoryEngine implements EnginePort {
  readonly operations: EngineOperation[] = [];
  private readonly config = new Map<
    string,
    { release: string | undefined; deployment: Record<string, OutpostDeploymentState> }
  >();
  private readonly deployed = new Map<
    string,
    { release: string | undefined; deployment: Record<string, OutpostDeploymentState> }
  >();
  /** The release the stack-wide resources (config parameters, fingerprint) were last applied with. */
  private readonly stackWide = new Map<string, string | undefined>();
  /** The release in the stack outputs: refreshed by every `up` (the root stack is always targeted). */
  private readonly outputRelease = new Map<string, string | undefined>();
  private readonly pending = new Map<string, PendingOperation[]>();
  private readonly flips = new Map<string, number>();
  private readonly updating = new Set<string>();
  private readonly faults: FaultRule[] = [];

  constructor(
    private readonly stacks: readonly InMemoryStack[],
    private readonly options: {
      readonly clock?: Clock;
      readonly delayMs?: number;
      /** Adds a duration per operation (on top of delayMs), e.g. 240 s for an idle launch. */
      readonly timing?: OperationTiming;
      /** Called for each Outpost an `up` applied, with its new state (tests: a fake cluster). */
      readonly onDeployed?: (stack: string, outpost: string, state: OutpostDeploymentState) => void;
    } = {},
  ) {
    for (const stack of stacks) {
      this.config.set(stack.name, { release: stack.release, deployment: { ...stack.deployment } });
      this.deployed.set(stack.name, {
        release: stack.release,
        deployment: { ...stack.deployment },
      });
      this.stackWide.set(stack.name, stack.release);
      this.outputRelease.set(stack.name, stack.release);
    }
  }

  /** Adds a fault; it stays until `clearFaults`. */
  fail(rule: FaultRule): this {
    this.faults.push(rule);
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Operations that change something, in order: what a test asserts on. */
  changes(): EngineOperation[] {
    return this.operations.filter((o) =>
      ["write-config", "up", "preview", "refresh"].includes(o.op),
    );
  }

  deployedState(stack: string, outpost: string): OutpostDeploymentState {
    return this.stackOf(this.deployed, stack).deployment[outpost];
  }

  configuredRelease(stack: string): string | undefined {
    return this.stackOf(this.config, stack).release;
  }

  /** The deployment state the config holds (written, not necessarily applied); not recorded. */
  configuredDeployment(stack: string): DeploymentState {
    return { ...this.stackOf(this.config, stack).deployment };
  }

  /** The release the stack-wide resources run: it moves only with an untargeted `up`. */
  stackWideRelease(stack: string): string | undefined {
    this.stackOf(this.config, stack);
    return this.stackWide.get(stack);
  }

  /** Simulates an update killed mid-way: these operations stay pending until a repair. */
  leavePending(stack: string, operations: readonly PendingOperation[]): void {
    this.pending.set(stack, [...(this.pending.get(stack) ?? []), ...operations]);
  }

  /** How many times `up` changed this Outpost's active color. */
  flipCount(stack: string, outpost: string): number {
    return this.flips.get(`${stack}/${outpost}`) ?? 0;
  }

  /** A stack it does not know yet is created empty: no release, no Outposts, no outputs. */
  async prepareStack(stack: string): Promise<void> {
    await this.record({ op: "prepare", stack });
    if (!this.config.has(stack)) {
      this.config.set(stack, { release: undefined, deployment: {} });
      this.deployed.set(stack, { release: undefined, deployment: {} });
      this.stackWide.set(stack, undefined);
      this.outputRelease.set(stack, undefined);
    }
  }

  async readDriverConfig(stack: string): Promise<DriverConfig> {
    await this.record({ op: "read-config", stack });
    const config = this.stackOf(this.config, stack);
    return { release: config.release, deployment: { ...config.deployment } };
  }

  async writeDriverConfig(stack: string, change: DriverConfigChange): Promise<void> {
    checkDriverConfigChange(stack, change);
    const outposts = Object.keys(change.deployment ?? {});
    await this.record({ op: "write-config", stack, outposts, release: change.release });
    const config = this.stackOf(this.config, stack);
    if (change.release !== undefined) config.release = change.release;
    Object.assign(config.deployment, change.deployment ?? {});
  }

  async preview(stack: string, _options: PreviewOptions): Promise<PreviewOutcome> {
    await this.record({ op: "preview", stack });
    const config = this.stackOf(this.config, stack);
    const deployed = this.stackOf(this.deployed, stack);
    const changed = Object.keys(config.deployment).filter(
      (o) => JSON.stringify(config.deployment[o]) !== JSON.stringify(deployed.deployment[o]),
    );
    const stackWideLags = this.stackWide.get(stack) !== config.release ? 1 : 0;
    return {
      changes: {
        same: Object.keys(config.deployment).length - changed.length + (1 - stackWideLags),
        update: changed.length + stackWideLags,
      },
      violations: [],
    };
  }

  async up(stack: string, options: { readonly outposts?: readonly string[] } = {}): Promise<void> {
    if (this.updating.has(stack)) {
      throw new EngineError(`stack ${stack}: another update is currently in progress`, stack, "up");
    }
    this.updating.add(stack);
    try {
      const config = this.stackOf(this.config, stack);
      const pending = this.pending.get(stack) ?? [];
      if (pending.length > 0) {
        throw new PendingOperationsError(stack, "up", pending, options.outposts);
      }
      const deployed = this.stackOf(this.deployed, stack);
      // An Outpost that was never deployed can only be created by a whole update (the adapter).
      const whole =
        options.outposts === undefined ||
        options.outposts.some((outpost) => deployed.deployment[outpost] === undefined);
      const targets = whole ? Object.keys(config.deployment) : [...options.outposts!];
      const changes = targets.map((outpost) => ({
        outpost,
        before: deployed.deployment[outpost],
        after: config.deployment[outpost],
      }));
      // An untargeted up is recorded without Outposts: it is the whole stack.
      await this.record(
        { op: "up", stack, outposts: whole ? undefined : [...targets] },
        targets,
        changes,
      );
      deployed.release = config.release;
      this.outputRelease.set(stack, config.release);
      if (whole) this.stackWide.set(stack, config.release);
      for (const outpost of targets) {
        const before = deployed.deployment[outpost];
        const after = config.deployment[outpost];
        if (before && after && before.activeColor !== after.activeColor) {
          const key = `${stack}/${outpost}`;
          this.flips.set(key, (this.flips.get(key) ?? 0) + 1);
        }
        deployed.deployment[outpost] = { ...after };
        if (after) this.options.onDeployed?.(stack, outpost, after);
      }
    } finally {
      this.updating.delete(stack);
    }
  }

  async outputs(stack: string): Promise<StackOutputs> {
    await this.record({ op: "outputs", stack });
    const spec = this.stacks.find((s) => s.name === stack);
    const deployed = this.stackOf(this.deployed, stack);
    const outposts: Record<string, OutpostOutputs> = {};
    for (const [outpost, state] of Object.entries(deployed.deployment)) {
      const eks = spec?.eksOutposts?.includes(outpost) ?? false;
      outposts[outpost] = outpostOutputsFixture({
        stack,
        outpost,
        state,
        target: spec?.target ?? "aws",
        eks,
      });
    }
    return { target: spec?.target ?? "aws", release: this.outputRelease.get(stack), outposts };
  }

  /** Resolves pending operations, as `pulumi refresh` does: creates only when told to clear them. */
  async refresh(
    stack: string,
    options: { readonly clearPendingCreates?: boolean } = {},
  ): Promise<void> {
    await this.record({ op: "refresh", stack });
    const kept = (this.pending.get(stack) ?? []).filter(
      (op) => op.operation === "creating" && !options.clearPendingCreates,
    );
    this.pending.set(stack, kept);
  }

  async pendingOperations(stack: string): Promise<readonly PendingOperation[]> {
    await this.record({ op: "read-state", stack });
    return [...(this.pending.get(stack) ?? [])];
  }

  async cancel(stack: string): Promise<void> {
    await this.record({ op: "cancel", stack });
  }

  /** The driver's two keys, namespaced as the engine reports config (`outpost-fleet:release`). */
  async readConfig(stack: string): Promise<Readonly<Record<string, unknown>>> {
    const config = this.stackOf(this.config, stack);
    return {
      ...(config.release !== undefined && {
        [`${CONFIG_NAMESPACE}:${DRIVER_CONFIG_KEYS.release}`]: { version: config.release },
      }),
      ...(Object.keys(config.deployment).length > 0 && {
        [`${CONFIG_NAMESPACE}:${DRIVER_CONFIG_KEYS.deployment}`]: { ...config.deployment },
      }),
    };
  }

  kubeconfig(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  private async record(
    operation: EngineOperation,
    outposts: readonly string[] = [],
    changes: readonly OutpostChange[] = [],
  ): Promise<void> {
    this.operations.push(operation);
    const ms = (this.options.delayMs ?? 0) + (this.options.timing?.(operation, changes) ?? 0);
    if (ms > 0) await (this.options.clock ?? systemClock).sleep(ms);
    for (const rule of this.faults) {
      const message = rule(operation);
      if (message !== undefined) {
        throw new EngineError(message, operation.stack, operation.op, outposts);
      }
    }
  }

  private stackOf<T>(map: Map<string, T>, stack: string): T {
    const value = map.get(stack);
    if (value === undefined) throw new EngineError(`no stack named ${stack}`, stack, "select");
    return value;
  }
}
