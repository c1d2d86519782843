import {
  batchesOf,
  batchLabel,
  PRESTAGE_STEP,
  productionWaves,
  type RolloutPlan,
  stagingWaves,
  SYNC_STACK_STEP,
  type Wave,
} from "./plan-types";

/** The `plan --json` document. Key order is fixed so the printed form is stable. */
export interface PlanDocument {
  readonly release: string;
  /** The image and AMI every wave deploys, or null when the plan was built without them. */
  readonly artifacts: { readonly image: string; readonly amiName: string } | null;
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
        ]
      : []),
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
    lines.push(
      `  ${number++}. ${PRESTAGE_STEP}: launch and warm every ${staging.length > 0 ? "production " : ""}` +
        `Outpost's idle color on ${plan.release}, no traffic (concurrency ${plan.prestage.concurrency}; the idle colors ` +
        `stay warm until finalize)`,
    );
    plan.prestage.batches.forEach((batch, index) => {
      lines.push(`     batch ${index}  ${batch.join(", ")}`);
    });
  }
  productionWaves(plan).forEach(waveLines);
  lines.push(`  ${number}. finalize: scale the old color down on every Outpost`);
  lines.push("  steps per stage:");
  for (const [stack, steps] of Object.entries(plan.steps)) {
    lines.push(`     ${stack}: ${steps.map((step) => step.id).join(" > ")}`);
  }
  return lines.join("\n");
}
