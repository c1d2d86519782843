import type { Target } from "../fleet/fleet-stack";
import type { ReleaseArtifacts } from "./release-artifacts";

/** What a step does to one Outpost. Steps run in this order; see steps/deployment-transitions.ts. */
export type StepKind =
  | "prestage"
  | "deploy-idle"
  | "verify"
  | "shift"
  | "flip"
  | "canary"
  | "test"
  | "bake";

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
  /** 0 for the wave's canary, 1 for the rest (wave 0, staging, has no canary). */
  readonly ring: number;
  /** Index of the batch inside its wave; a batch's stages move step by step together. */
  readonly batch: number;
  readonly target: Target;
}

/**
 * One region group, or wave 0: the staging stacks. Waves run one after the other; a wave's
 * batches too.
 */
export interface Wave {
  readonly name: string;
  /**
   * Wave 0: every `environment: staging` stack of the selection, whatever its region group. It
   * runs before the prestage and before any production wave, and its stages run the test gates
   * (the `test` step) after their flip. Absent on production waves.
   */
  readonly staging?: true;
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

/**
 * The fleet-wide step before the first production wave (after wave 0, the staging wave, when
 * there is one): every production Outpost's idle color is launched on the release and warmed
 * (deploy-idle for the whole production fleet, `concurrency` Outposts at a time), and takes no
 * traffic. The waves then only verify, shift, flip and bake. The journal records it
 * as steps of this id in a wave of this name, one per prestage batch.
 */
export interface Prestage {
  /** Most Outposts whose idle color launches at once (one targeted `up` per stack and batch). */
  readonly concurrency: number;
  /** Stage ids, batch by batch, in wave order. */
  readonly batches: readonly (readonly string[])[];
}

/** Id (and journal wave name) of the fleet-wide prestage step. */
export const PRESTAGE_STEP = "prestage";
export const PRESTAGE_SPEC: StepSpec = { id: PRESTAGE_STEP, kind: "prestage" };

/** Name of wave 0, the staging stacks' wave. */
export const STAGING_WAVE = "staging";

/** Id of the staging stages' step that runs the test gates (integration, security, load). */
export const TEST_STEP = "test";

/** Id of the wave-level step that brings the stack-wide resources to the release. */
export const SYNC_STACK_STEP = "sync-stack";

export interface RolloutPlan {
  readonly release: string;
  /**
   * The image and AMI every wave deploys, wave 0 included (release-artifacts.ts); absent in
   * plans built without the stacks' merged config.
   */
  readonly artifacts?: ReleaseArtifacts;
  readonly waves: readonly Wave[];
  /** The step sequence of every stage of a stack (it depends on the stack's target). */
  readonly steps: Readonly<Record<string, readonly StepSpec[]>>;
  readonly rollbackScope: RollbackScope;
  /** Present when the idle colors are pre-staged fleet-wide before wave 1 (`prestage: true`). */
  readonly prestage?: Prestage;
  /**
   * How much of the release may run at once (release-graph.ts). Absent in plans journaled
   * before it existed: those run in strict sequence.
   */
  readonly schedule?: ReleaseSchedule;
}

/**
 * What may overlap. Every overlap keeps "one failure stops the line": a failure anywhere
 * stops every batch in flight and rolls back by the plan's scope, in-flight batches included.
 */
export interface ReleaseSchedule {
  /**
   * Waves in a pipeline: once wave N's last batch has flipped, wave N+1's canary verifies and
   * shifts while wave N's batch still bakes; wave N+1's followers flip after wave N has
   * ended. A batch's soak steps (EKS canary, staging tests, bake) run side by side after its
   * flip, and the next batch's leading verify (LOOKAHEAD_KINDS) runs beside them.
   * Off: every step after the one before, the order the journal lists them.
   */
  readonly pipelineWaves: boolean;
  /**
   * The prestage (idle colors up, no traffic) starts once the staging Outposts have flipped,
   * beside their test gates, instead of after wave 0 passed. Production hosts then run the
   * release before staging has passed it (no traffic reaches them; a staging failure scales
   * them back down).
   */
  readonly prestageBesideStagingTests: boolean;
}

/**
 * Steps that soak after the flip: the candidate holds all of the Outpost's traffic and they
 * watch it (the EKS canary in its own cluster, the staging test gates, the ASG bake). With
 * waves in a pipeline they run side by side; the batch ends when all of them have passed.
 */
export const SOAK_KINDS: ReadonlySet<StepKind> = new Set(["canary", "test", "bake"]);

/**
 * Steps a batch may take ahead, while the batch before it still soaks: `verify` changes no
 * state and sends no production traffic (it probes the prestaged idle color on its preview
 * path), so with waves in a pipeline a batch verifies once the batch before has flipped, and
 * only its flip waits for that batch's soak to pass.
 */
export const LOOKAHEAD_KINDS: ReadonlySet<StepKind> = new Set(["verify"]);

/** The schedule of plans that predate it: strict sequence. */
export const STRICT_SCHEDULE: ReleaseSchedule = {
  pipelineWaves: false,
  prestageBesideStagingTests: false,
};

/** The stages of each prestage batch, in plan order; none without a prestage. */
export function prestageBatches(plan: RolloutPlan): Stage[][] {
  const byId = new Map(allStages(plan).map((stage) => [stage.id, stage]));
  return (plan.prestage?.batches ?? []).map((ids) =>
    ids.flatMap((id) => {
      const stage = byId.get(id);
      return stage ? [stage] : [];
    }),
  );
}

/** The batch index the journal gives a wave's `sync-stack` step: the one after the last batch. */
export function syncBatchOf(wave: Wave): number {
  return batchesOf(wave).length;
}

/** How `plan` and `status` name a batch: the canary's own batch, or its number. */
export function batchLabel(batch: readonly Stage[], index: number): string {
  return index === 0 && batch[0]?.ring === 0 ? "canary " : `batch ${index}`;
}

/** The stages of one batch, in plan order. */
export function batchesOf(wave: Wave): Stage[][] {
  const batches: Stage[][] = [];
  for (const stage of wave.stages) (batches[stage.batch] ??= []).push(stage);
  return batches;
}

/** Wave 0 (staging) first, then the production waves, each in plan order. */
export function stagingWaves(plan: RolloutPlan): Wave[] {
  return plan.waves.filter((wave) => wave.staging === true);
}

export function productionWaves(plan: RolloutPlan): Wave[] {
  return plan.waves.filter((wave) => wave.staging !== true);
}

export function allStages(plan: RolloutPlan): Stage[] {
  return plan.waves.flatMap((wave) => wave.stages);
}

export function stacksOf(plan: RolloutPlan): string[] {
  return [...new Set(allStages(plan).map((stage) => stage.stack))];
}
