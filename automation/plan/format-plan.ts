import { batchesOf, PRESTAGE_STEP, type RolloutPlan, SYNC_STACK_STEP } from "./plan-types";

/** The `plan --json` document. Key order is fixed so the printed form is stable. */
export interface PlanDocument {
  readonly release: string;
  /** The fleet-wide prestage before wave 1, or null when each stage deploys its idle color. */
  readonly prestage: {
    readonly concurrency: number;
    readonly batches: readonly (readonly string[])[];
  } | null;
  readonly waves: {
    readonly name: string;
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
    prestage: plan.prestage
      ? { concurrency: plan.prestage.concurrency, batches: plan.prestage.batches }
      : null,
    waves: plan.waves.map((wave) => ({
      name: wave.name,
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
    `  0. preflight: preview every stack with the policy packs; a mandatory violation stops here`,
  ];
  const first = plan.prestage ? 2 : 1;
  if (plan.prestage) {
    lines.push(
      `  1. ${PRESTAGE_STEP}: launch and warm every Outpost's idle color on ${plan.release}, no traffic ` +
        `(concurrency ${plan.prestage.concurrency}; the idle colors stay warm until finalize)`,
    );
    plan.prestage.batches.forEach((batch, number) => {
      lines.push(`     batch ${number}  ${batch.join(", ")}`);
    });
  }
  plan.waves.forEach((wave, index) => {
    lines.push(`  ${index + first}. wave ${wave.name} (concurrency ${wave.concurrency})`);
    batchesOf(wave).forEach((batch, number) => {
      const label = number === 0 ? "canary " : `batch ${number}`;
      lines.push(`     ${label}  ${batch.map((stage) => stage.id).join(", ")}`);
    });
    lines.push(
      `     ${SYNC_STACK_STEP}  ${wave.syncStacks.join(", ")} (untargeted up: stack-wide resources follow the release)`,
    );
  });
  lines.push(`  ${plan.waves.length + first}. finalize: scale the old color down on every Outpost`);
  lines.push("  steps per stage:");
  for (const [stack, steps] of Object.entries(plan.steps)) {
    lines.push(`     ${stack}: ${steps.map((step) => step.id).join(" > ")}`);
  }
  return lines.join("\n");
}
