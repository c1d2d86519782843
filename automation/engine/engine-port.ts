import type { DeploymentState, OutpostOutputs } from "../../infra/contract";
import type { Target } from "../fleet/fleet-stack";

/** The two stack config keys the driver owns (DRIVER_CONFIG_KEYS in infra/contract.ts). */
export interface DriverConfig {
  /** `release.version`; undefined when the stack has never had one. */
  readonly release: string | undefined;
  readonly deployment: DeploymentState;
}

/** A change to the driver's keys. `deployment` lists only the Outposts that change. */
export interface DriverConfigChange {
  readonly release?: string;
  readonly deployment?: DeploymentState;
}

/** What the gates read after an update: the `target` and `outposts` stack outputs. */
export interface StackOutputs {
  readonly target: Target;
  readonly release: string | undefined;
  readonly outposts: Readonly<Record<string, OutpostOutputs>>;
  /** Fingerprint of the runtime settings the stack published (stack output), if it has one. */
  readonly runtimeFingerprint?: string;
}

export interface PolicyViolation {
  readonly policyPack: string;
  readonly policy: string;
  readonly enforcement: "mandatory" | "advisory" | "remediate" | "disabled";
  readonly message: string;
  readonly urn?: string;
}

export interface PreviewOptions {
  readonly policyPacks: readonly string[];
  readonly policyPackConfigs: readonly string[];
  /**
   * `drift` says it expects none. Neither engine fails on changes: the outcome's `changes`
   * report them, and the caller judges (drift lists them).
   */
  readonly expectNoChanges?: boolean;
}

export interface PreviewOutcome {
  /** Counts by operation ("same", "update", "create", ...). */
  readonly changes: Readonly<Record<string, number>>;
  readonly violations: readonly PolicyViolation[];
}

/**
 * Everything the driver asks of the deployment engine. The Automation-API adapter implements
 * it for real; the in-memory engine for tests, the bench and --dry-run. Both keep the contract
 * of test/support/engine-port-contract.ts, which runs against each of them.
 *
 * The model: the stack's config (the driver's keys) is what the next update applies; the
 * outputs are what the last update applied. A failed call throws an EngineError naming the
 * stack and the operation (and the Outposts it acted on).
 *
 * Where the engines differ (asserted per engine by the contract suite):
 * - A stack never prepared: the Automation-API engine selects or creates it on any call (the
 *   CLI's createOrSelect); the in-memory engine knows only the stacks it was given and those
 *   prepared, and fails any other call with an EngineError (a typo in a test fails loudly).
 * - Two updates of one stack at once: the Automation-API engine retries the second with
 *   backoff until the first ends (the backend's lock); the in-memory engine refuses it at once
 *   (EngineError "another update is currently in progress"), so that a test sees the executor
 *   start two (its per-stack queue should never).
 * - Policy packs: only the Automation-API engine runs them; the in-memory engine reports no
 *   violations.
 * - Kubeconfigs: the in-memory engine has none (undefined for every Outpost, EKS or not).
 */
export interface EnginePort {
  /**
   * Selects the stack, creating it when it does not exist yet: a new stack has no driver
   * config (`release` undefined, no Outposts), no config at all and no outputs (`target`
   * "aws", `release` undefined, no Outposts).
   */
  prepareStack(stack: string): Promise<void>;
  /** The driver's keys as the next update would apply them; every state complete. */
  readDriverConfig(stack: string): Promise<DriverConfig>;
  /**
   * Stages a change for the next update: the named Outposts' states and the release; other
   * Outposts are left as they are, and the outputs do not move until an `up`. An empty change
   * writes nothing. A change the program's schema would refuse (not a semantic version, a
   * weight outside 0-100, an incomplete state, ...) is refused with an EngineError
   * (`write-config`) and nothing is written.
   */
  writeDriverConfig(stack: string, change: DriverConfigChange): Promise<void>;
  /** What the next untargeted update would do; changes nothing (config, state or outputs). */
  preview(stack: string, options: PreviewOptions): Promise<PreviewOutcome>;
  /**
   * Applies the stack; with `outposts`, only those Outposts' resources (targets), but the
   * stack outputs always (their `release` follows the config at once), while the stack-wide
   * resources follow `release` only in an untargeted update (a preview shows them changing
   * until then). Naming an Outpost the stack never deployed updates the whole stack: only a
   * whole update can create it. Refuses a stack with pending operations
   * (PendingOperationsError) before it changes anything.
   */
  up(stack: string, options?: { readonly outposts?: readonly string[] }): Promise<void>;
  /** What the last update applied: one `outposts` entry per deployed Outpost (the contract). */
  outputs(stack: string): Promise<StackOutputs>;
  /**
   * Refreshes the stack from its providers. `clearPendingCreates` drops pending creates from
   * the state (only after an operator checked that they did not happen: `repair`).
   */
  refresh(stack: string, options?: { readonly clearPendingCreates?: boolean }): Promise<void>;
  /** Operations an interrupted update left pending in the state (empty when there are none). */
  pendingOperations(stack: string): Promise<readonly PendingOperation[]>;
  /** Cancels the stack's update in progress; with none, it changes nothing. */
  cancel(stack: string): Promise<void>;
  /**
   * The stack's whole config with secrets masked ("[secret]"), keyed as the engine reports it,
   * with the namespace (`outpost-fleet:release`, `aws:region`), values parsed (for `drift`, the
   * policy config, the gates' credentials). The in-memory engine has only the driver's keys.
   */
  readConfig(stack: string): Promise<Readonly<Record<string, unknown>>>;
  /**
   * An Outpost's kubeconfig from the secret `kubeconfigs` output, undefined for an Outpost
   * without one; never logged.
   */
  kubeconfig(stack: string, outpost: string): Promise<string | undefined>;
}

/** An operation an interrupted update left in the state: its resource is in an unknown state. */
export interface PendingOperation {
  readonly urn: string;
  /** creating | updating | deleting | reading | importing (the engine's words). */
  readonly operation: string;
}

/** An engine call that failed; `outposts` names the Outposts it was acting on, if any. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly stack: string,
    readonly operation: string,
    readonly outposts: readonly string[] = [],
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/**
 * The stack holds operations an interrupted update left pending. The driver never clears them
 * itself: a pending create may have completed in the cloud, and creating it again would
 * collide (the EKS cluster has a fixed name). An operator checks the provider, then runs
 * `outpost-fleet repair`, which refreshes the stack.
 */
export class PendingOperationsError extends EngineError {
  constructor(
    stack: string,
    operation: string,
    readonly pending: readonly PendingOperation[],
    outposts: readonly string[] = [],
  ) {
    super(
      `stack ${stack} has ${pending.length} operation(s) left pending by an interrupted update: ` +
        `${pending.map((p) => `${p.operation} ${p.urn}`).join("; ")}. Check each resource in ` +
        `the provider first (a create may have finished), then run: outpost-fleet repair --stack ${stack}`,
      stack,
      operation,
      outposts,
    );
    this.name = "PendingOperationsError";
  }
}
