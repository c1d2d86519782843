import {
  batchesOf,
  batchLabel,
  PRESTAGE_STEP,
  productionWaves,
  type ReleaseSchedule,
  type RolloutPlan,
  STRICT_SCHEDULE,
  stagingWaves,
  SOAK_KINDS,
  type StepSpec,
  SYNC_STACK_STEP,
  type Wave,
} from "./plan-types";

/** The `plan --json` document. Key order is fixed so the printed form is stable. */
export interface PlanDocument {
  readonly release: string;
  /** The image and AMI every wave deploys, or null when the plan was built without them. */
  readonly artifacts: {
    readonly image: string;
    readonly amiName: string;
    /** Known on the local target only (cli/image-digest.ts). */
    readonly imageDigest?: string;
  } | null;
  /** The fleet-wide prestage before wave 1, or null when each stage deploys its idle color. */
  readonly prestage: {
    readonly concurrency: number;
    readonly batches: readonly (readonly string[])[];
  } | null;
  readonly waves: {
    readonly name: string;
    /** Wave 0: the staging stacks, tested before any production wave. */
    readonly staging: boolean;
    readonly concurrency: number;
    readonly stages: { readonly stack: string; readonly outpost: string; readonly ring: number }[];
    /** Stacks whose stack-wide resources follow the release after the wave (`sync-stack`). */
    readonly syncStacks: readonly string[];
  }[];
  readonly steps: Readonly<Record<string, readonly string[]>>;
  readonly rollbackScope: string;
  /** What may overlap (release-graph.ts); strict sequence for plans without a schedule. */
  readonly schedule: ReleaseSchedule;
}

export function planDocument(plan: RolloutPlan): PlanDocument {
  return {
    release: plan.release,
    artifacts: plan.artifacts ?? null,
    prestage: plan.prestage
      ? { concurrency: plan.prestage.concurrency, batches: plan.prestage.batches }
      : null,
    waves: plan.waves.map((wave) => ({
      name: wave.name,
      staging: wave.staging === true,
      concurrency: wave.concurrency,
      stages: wave.stages.map((stage) => ({
        stack: stage.stack,
        outpost: stage.outpost,
        ring: stage.ring,
      })),
      syncStacks: wave.syncStacks,
    })),
    steps: Object.fromEntries(
      Object.entries(plan.steps).map(([stack, steps]) => [stack, steps.map((step) => step.id)]),
    ),
    rollbackScope: plan.rollbackScope,
    schedule: plan.schedule ?? STRICT_SCHEDULE,
  };
}

/** The human-readable plan, one line per batch. */
export function formatPlan(plan: RolloutPlan): string {
  const outposts = plan.waves.reduce((sum, wave) => sum + wave.stages.length, 0);
  const lines = [
    `Release ${plan.release}: ${plan.waves.length} wave(s), ${outposts} Outpost(s), ` +
      `rollback scope "${plan.rollbackScope}"`,
    ...(plan.artifacts
      ? [
          `  artifacts: image ${plan.artifacts.image} (immutable tag: one digest), ` +
            `AMI ${plan.artifacts.amiName} (its copy in each Region), the same in every wave`,
          ...(plan.artifacts.imageDigest === undefined
            ? []
            : [`  image digest: ${plan.artifacts.imageDigest} (staging must pass this build)`]),
        ]
      : []),
    `  schedule: ${scheduleText(plan.schedule ?? STRICT_SCHEDULE)}`,
    `  0. preflight: preview every stack with the policy packs; a mandatory violation stops here`,
  ];
  let number = 1;
  const waveLines = (wave: Wave) => {
    const what = wave.staging
      ? ` (wave 0, the staging stacks: the same ${plan.release}, test gates after the flip; ` +
        `no production stack changes before it passes)`
      : "";
    lines.push(`  ${number++}. wave ${wave.name}${what} (concurrency ${wave.concurrency})`);
    batchesOf(wave).forEach((batch, index) => {
      lines.push(`     ${batchLabel(batch, index)}  ${batch.map((stage) => stage.id).join(", ")}`);
    });
    lines.push(
      `     ${SYNC_STACK_STEP}  ${wave.syncStacks.join(", ")} (untargeted up: stack-wide resources follow the release)`,
    );
  };
  const staging = stagingWaves(plan);
  staging.forEach(waveLines);
  if (plan.prestage) {
    const when = plan.schedule?.prestageBesideStagingTests
      ? " (starts once wave 0 has flipped, beside its test gates)"
      : "";
    lines.push(
      `  ${number++}. ${PRESTAGE_STEP}${when}: launch and warm every ${staging.length > 0 ? "production " : ""}` +
        `Outpost's idle color on ${plan.release}, no traffic (concurrency ${plan.prestage.concurrency}; the idle colors ` +
        `stay warm until finalize)`,
    );
    plan.prestage.batches.forEach((batch, index) => {
      lines.push(`     batch ${index}  ${batch.join(", ")}`);
    });
  }
  productionWaves(plan).forEach(waveLines);
  lines.push(
    `  ${number}. finalize: scale the old color down on every Outpost (after the release is reported deployed)`,
  );
  lines.push("  steps per stage:");
  const soaks = plan.schedule?.pipelineWaves === true;
  for (const [stack, steps] of Object.entries(plan.steps)) {
    lines.push(`     ${stack}: ${stepsText(steps, soaks)}`);
  }
  return lines.join("\n");
}

/** What overlaps under `schedule`, in a line. */
function scheduleText(schedule: ReleaseSchedule): string {
  if (!schedule.pipelineWaves)
    return "strict sequence (--pipeline-waves off): every step after the one before";
  return (
    "waves in a pipeline: each wave's canary starts once the wave before has flipped its last " +
    "batch, beside its bake; its followers flip after that wave has ended; a batch's soak " +
    "steps (in parentheses) run side by side, and the next batch verifies beside them"
  );
}

/** `verify > flip > (canary | bake)`: the soak steps side by side when they overlap. */
function stepsText(steps: readonly StepSpec[], soaksTogether: boolean): string {
  const soak = steps.filter((step) => SOAK_KINDS.has(step.kind));
  if (!soaksTogether || soak.length < 2) return steps.map((step) => step.id).join(" > ");
  const before = steps.filter((step) => !SOAK_KINDS.has(step.kind)).map((step) => step.id);
  return [...before, `(${soak.map((step) => step.id).join(" | ")})`].join(" > ");
}
