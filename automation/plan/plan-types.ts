import type { Target } from "../fleet/fleet-stack";

/** What a step does to one Outpost. Steps run in this order; see steps/deployment-transitions.ts. */
export type StepKind = "deploy-idle" | "verify" | "shift" | "flip" | "canary" | "bake";

export interface StepSpec {
  /** Stable id used by the journal, e.g. "shift-10". */
  readonly id: string;
  readonly kind: StepKind;
  /** Candidate weight (percent) for a `shift` step. */
  readonly weight?: number;
}

export type RollbackScope = "stage" | "wave" | "release";
export const ROLLBACK_SCOPES: readonly RollbackScope[] = ["stage", "wave", "release"];

/** One Outpost's part of the release. */
export interface Stage {
  /** "<stack>/<outpost>", unique in the fleet. */
  readonly id: string;
  readonly stack: string;
  readonly outpost: string;
  /** 0 for the wave's canary, 1 for the rest. */
  readonly ring: number;
  /** Index of the batch inside its wave; a batch's stages move step by step together. */
  readonly batch: number;
  readonly target: Target;
}

/** One region group. Waves run one after the other; a wave's batches too. */
export interface Wave {
  readonly name: string;
  /** Most stages moving at once after the canary. */
  readonly concurrency: number;
  readonly stages: readonly Stage[];
  /**
   * `sync-stack`, after the wave's last batch: one untargeted `up` of each of these stacks,
   * so the stack-wide resources (config parameters, fingerprint) follow the release. Every
   * per-Outpost `up` is targeted and leaves them alone.
   */
  readonly syncStacks: readonly string[];
}

/** Id of the wave-level step that brings the stack-wide resources to the release. */
export const SYNC_STACK_STEP = "sync-stack";

export interface RolloutPlan {
  readonly release: string;
  readonly waves: readonly Wave[];
  /** The step sequence of every stage of a stack (it depends on the stack's target). */
  readonly steps: Readonly<Record<string, readonly StepSpec[]>>;
  readonly rollbackScope: RollbackScope;
}

/** The batch index the journal gives a wave's `sync-stack` step: the one after the last batch. */
export function syncBatchOf(wave: Wave): number {
  return batchesOf(wave).length;
}

/** The stages of one batch, in plan order. */
export function batchesOf(wave: Wave): Stage[][] {
  const batches: Stage[][] = [];
  for (const stage of wave.stages) (batches[stage.batch] ??= []).push(stage);
  return batches;
}

export function allStages(plan: RolloutPlan): Stage[] {
  return plan.waves.flatMap((wave) => wave.stages);
}

export function stacksOf(plan: RolloutPlan): string[] {
  return [...new Set(allStages(plan).map((stage) => stage.stack))];
}
