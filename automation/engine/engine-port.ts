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
  /** `drift`: fail when the preview would change anything. */
  readonly expectNoChanges?: boolean;
}

export interface PreviewOutcome {
  /** Counts by operation ("same", "update", "create", ...). */
  readonly changes: Readonly<Record<string, number>>;
  readonly violations: readonly PolicyViolation[];
}

/**
 * Everything the driver asks of the deployment engine. The Automation-API adapter implements
 * it for real; the in-memory engine for tests, the bench and --dry-run.
 */
export interface EnginePort {
  /** Selects the stack, creating it when it does not exist yet. */
  prepareStack(stack: string): Promise<void>;
  readDriverConfig(stack: string): Promise<DriverConfig>;
  writeDriverConfig(stack: string, change: DriverConfigChange): Promise<void>;
  preview(stack: string, options: PreviewOptions): Promise<PreviewOutcome>;
  /** Applies the stack; with `outposts`, only those Outposts' resources (targets). */
  up(stack: string, options?: { readonly outposts?: readonly string[] }): Promise<void>;
  outputs(stack: string): Promise<StackOutputs>;
  /**
   * Refreshes the stack from its providers. `clearPendingCreates` drops pending creates from
   * the state (only after an operator checked that they did not happen: `repair`).
   */
  refresh(stack: string, options?: { readonly clearPendingCreates?: boolean }): Promise<void>;
  /** Operations an interrupted update left pending in the state (empty when there are none). */
  pendingOperations(stack: string): Promise<readonly PendingOperation[]>;
  cancel(stack: string): Promise<void>;
  /** The stack's whole config with secrets masked, keys without the namespace (for `drift`). */
  readConfig(stack: string): Promise<Readonly<Record<string, unknown>>>;
  /** An Outpost's kubeconfig from the secret `kubeconfigs` output; never logged. */
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
