import type { FleetStack, Target } from "../fleet/fleet-stack";
import { type Concurrency, resolveConcurrency } from "./concurrency";
import {
  type Prestage,
  type ReleaseSchedule,
  type RollbackScope,
  type RolloutPlan,
  type Stage,
  STAGING_WAVE,
  type StepSpec,
  type Wave,
} from "./plan-types";
import type { ReleaseArtifacts } from "./release-artifacts";
import { stepsFor, type TrafficSteps } from "./traffic-steps";

export interface PlanInput {
  readonly release: string;
  /** The stacks to act on (already selected and validated). */
  readonly stacks: readonly FleetStack[];
  /** Region groups in the order their waves run; groups not listed follow, alphabetically. */
  readonly waveOrder: readonly string[];
  readonly concurrency: Concurrency;
  readonly traffic: Readonly<Record<Target, TrafficSteps>>;
  /** Watch each Outpost's Argo Rollout (AWS target only; Outposts without one skip it). */
  readonly eksCanary: boolean;
  readonly rollbackScope: RollbackScope;
  /**
   * Launch every Outpost's idle color fleet-wide before wave 1 (the `prestage` step); the
   * stages then skip deploy-idle. Absent or false: each stage deploys its own idle color.
   */
  readonly prestage?: boolean;
  /** What every wave deploys (release-artifacts.ts), shown by `plan`. */
  readonly artifacts?: ReleaseArtifacts;
  /** What may overlap (plan-types.ts); absent: strict sequence. */
  readonly schedule?: ReleaseSchedule;
}

/** A staging stack: it goes to wave 0 and is tested there before any production wave. */
export function isStagingStack(stack: Pick<FleetStack, "environment">): boolean {
  return stack.environment === "staging";
}

/**
 * release + fleet -> waves of stages with their steps. Pure and deterministic: the same input
 * always gives the same plan, so `plan` shows exactly what `deploy` will do, and a resumed
 * driver can trust the plan stored in the journal.
 *
 * The staging stacks form wave 0 (`staging`), whatever their region group: the same release
 * goes there first, each staging Outpost runs the test gates after its flip, and no production
 * stack changes until wave 0 has passed. The prestage, when on, covers the production waves
 * only and runs after wave 0, so a release that fails staging never reaches a production host.
 */
export function buildPlan(input: PlanInput): RolloutPlan {
  const staging = input.stacks.filter(isStagingStack);
  const production = input.stacks.filter((stack) => !isStagingStack(stack));
  const groups = orderedGroups(production, input.waveOrder);
  const productionWaves = groups.map((group) =>
    buildWave(
      group,
      production.filter((stack) => stack.regionGroup === group),
      input.concurrency,
    ),
  );
  const waves =
    staging.length > 0
      ? [{ ...buildStagingWave(staging), staging: true as const }, ...productionWaves]
      : productionWaves;
  const steps: Record<string, readonly StepSpec[]> = {};
  for (const stack of [...input.stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const tested = isStagingStack(stack);
    steps[stack.name] = stepsFor(
      input.traffic[stack.target],
      input.eksCanary && stack.target === "aws",
      input.prestage === true && !tested,
      tested,
    );
  }
  const plan: RolloutPlan = {
    release: input.release,
    ...(input.artifacts ? { artifacts: input.artifacts } : {}),
    waves,
    steps,
    rollbackScope: input.rollbackScope,
    ...(input.schedule ? { schedule: input.schedule } : {}),
  };
  return input.prestage === true && productionWaves.length > 0
    ? { ...plan, prestage: buildPrestage(productionWaves, input.concurrency) }
    : plan;
}

/**
 * Every stage of the production waves, in wave order, `concurrency` at a time (a share is of
 * the production fleet: the prestage moves no traffic, so it needs no canary of its own).
 */
function buildPrestage(waves: readonly Wave[], concurrency: Concurrency): Prestage {
  const ids = waves.flatMap((wave) => wave.stages.map((stage) => stage.id));
  const size = resolveConcurrency(concurrency, ids.length);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return { concurrency: size, batches };
}

function orderedGroups(stacks: readonly FleetStack[], waveOrder: readonly string[]): string[] {
  const present = new Set(stacks.map((stack) => stack.regionGroup));
  const listed = waveOrder.filter((group) => present.has(group));
  const rest = [...present].filter((group) => !listed.includes(group)).sort();
  return [...new Set(listed), ...rest];
}

/**
 * Wave 0: staging serves no customer, so it needs no canary of its own: every staging Outpost
 * is ring 1 and they all move together, in batch 0.
 */
function buildStagingWave(stacks: readonly FleetStack[]): Wave {
  const wave = buildWave(STAGING_WAVE, stacks, { percent: 100 });
  const stages = wave.stages.map((stage) => ({ ...stage, ring: 1, batch: 0 }));
  return { ...wave, concurrency: stages.length, stages };
}

/** The first Outpost is the ring-0 canary, alone in batch 0; the rest move `concurrency` at a time. */
function buildWave(name: string, stacks: readonly FleetStack[], concurrency: Concurrency): Wave {
  const members = [...stacks]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((stack) => stack.outposts.map((outpost) => ({ stack, outpost })));
  const size = resolveConcurrency(concurrency, Math.max(0, members.length - 1));
  const stages: Stage[] = members.map(({ stack, outpost }, index) => ({
    id: `${stack.name}/${outpost}`,
    stack: stack.name,
    outpost,
    ring: index === 0 ? 0 : 1,
    batch: index === 0 ? 0 : 1 + Math.floor((index - 1) / size),
    target: stack.target,
  }));
  return { name, concurrency: size, stages, syncStacks: [...new Set(stages.map((s) => s.stack))] };
}
