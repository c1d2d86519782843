import {
  batchesOf,
  PRESTAGE_STEP,
  prestageBatches,
  productionWaves,
  LOOKAHEAD_KINDS,
  type RolloutPlan,
  SOAK_KINDS,
  STRICT_SCHEDULE,
  SYNC_STACK_STEP,
  stagingWaves,
  syncBatchOf,
  type Wave,
} from "../plan/plan-types";
import { batchSteps } from "./stage-view";

// The release as a graph: what each piece of work waits for. The executor runs every node
// whose predecessors are done, side by side (graph-runner.ts). Pure.

/** One piece of the release, as the journal names it. */
export type ReleaseWork =
  /** A wave's boundary: operators' requests, freeze windows, its approval; `wave-started`. */
  | { readonly kind: "wave-start"; readonly wave: string }
  /** A step of a batch (or the wave's `sync-stack`, batch = the one after the last). */
  | { readonly kind: "step"; readonly wave: string; readonly batch: number; readonly step: string }
  /** Batch `batch` of the fleet-wide prestage. */
  | { readonly kind: "prestage"; readonly batch: number }
  /** `wave-completed`. */
  | { readonly kind: "wave-end"; readonly wave: string };

export interface ReleaseNode {
  /** Unique in the graph: "start:us", "us/1/bake", "prestage/0", "end:us". */
  readonly id: string;
  readonly work: ReleaseWork;
  /** Ids of the nodes that must be done first. */
  readonly after: readonly string[];
}

const startId = (wave: string) => `start:${wave}`;
const endId = (wave: string) => `end:${wave}`;
const stepId = (wave: string, batch: number, step: string) => `${wave}/${batch}/${step}`;
const prestageId = (batch: number) => `${PRESTAGE_STEP}/${batch}`;

/**
 * The graph of `plan` under its schedule (absent: strict). Strict: one chain, in the order the
 * journal lists the work (wave 0, the prestage, then each wave's batches, steps and sync).
 * Pipelined:
 * - inside a batch, the steps up to the flip in order, then its soak steps side by side;
 * - a batch's leading verify (LOOKAHEAD_KINDS) starts once the batch before it has flipped,
 *   beside that batch's soak; its next step waits for that batch to end (all its soak steps);
 * - a production wave starts once the wave before has flipped its last batch, its own
 *   Outposts' prestage batches are done and wave 0 has passed: its canary verifies and shifts
 *   while the wave before still soaks; its followers (batch 1 on) flip after that wave's end;
 * - the prestage starts after wave 0, or once wave 0 has flipped with
 *   `prestageBesideStagingTests` (beside the test gates).
 */
export function releaseGraph(plan: RolloutPlan): ReleaseNode[] {
  const schedule = plan.schedule ?? STRICT_SCHEDULE;
  const nodes = new Map<string, { work: ReleaseWork; after: string[] }>();
  const add = (id: string, work: ReleaseWork, after: string[]) => nodes.set(id, { work, after });
  const toList = () => [...nodes].map(([id, node]) => ({ id, ...node }));
  const prestageIds = prestageBatches(plan).map((_, index) => prestageId(index));

  if (!schedule.pipelineWaves) {
    let previous: string[] = [];
    const chain = (id: string, work: ReleaseWork) => {
      add(id, work, previous);
      previous = [id];
    };
    const chainWave = (wave: Wave) => {
      const { batches, sync } = pieces(plan, wave);
      chain(startId(wave.name), { kind: "wave-start", wave: wave.name });
      for (const batch of batches) for (const step of batch.steps) chain(step.id, step.work);
      chain(sync.id, sync.work);
      chain(endId(wave.name), { kind: "wave-end", wave: wave.name });
    };
    stagingWaves(plan).forEach(chainWave);
    prestageIds.forEach((id, batch) => chain(id, { kind: "prestage", batch }));
    productionWaves(plan).forEach(chainWave);
    return toList();
  }

  const staging = stagingWaves(plan);
  const stagingEnds = staging.map((wave) => endId(wave.name));
  const stagingFlips = staging.map((wave) => pieces(plan, wave).lastFlip);
  for (const wave of staging) addWave(add, wave.name, pieces(plan, wave), []);

  // The prestage, batch after batch.
  const prestageAfter = schedule.prestageBesideStagingTests ? stagingFlips : stagingEnds;
  prestageIds.forEach((id, batch) =>
    add(
      id,
      { kind: "prestage", batch },
      batch === 0 ? [...prestageAfter] : [prestageIds[batch - 1]],
    ),
  );
  const prestagedBy = prestageOwners(plan);

  let before: { wave: string; pieces: WavePieces } | undefined;
  for (const wave of productionWaves(plan)) {
    const own = pieces(plan, wave);
    const waits = [
      ...stagingEnds,
      ...[...(prestagedBy.get(wave.name) ?? [])].map(prestageId),
      ...(before ? [before.pieces.lastFlip, startId(before.wave)] : []),
    ];
    addWave(add, wave.name, own, waits, before ? endId(before.wave) : undefined);
    before = { wave: wave.name, pieces: own };
  }
  return toList();
}

interface PlannedStep {
  readonly id: string;
  /** A soak step (SOAK_KINDS): side by side with the batch's other soak steps. */
  readonly soak: boolean;
  /** May run beside the batch before's soak (LOOKAHEAD_KINDS). */
  readonly lookahead: boolean;
  readonly work: ReleaseWork;
}

interface WavePieces {
  readonly batches: readonly { readonly steps: readonly PlannedStep[] }[];
  readonly sync: PlannedStep;
  /** The flip of the wave's last batch (its last step before soaking, when it has no flip). */
  readonly lastFlip: string;
}

function pieces(plan: RolloutPlan, wave: Wave): WavePieces {
  const batches = batchesOf(wave).map((batch, index) => ({
    steps: batchSteps(plan, batch).map(
      (spec): PlannedStep => ({
        id: stepId(wave.name, index, spec.id),
        soak: SOAK_KINDS.has(spec.kind),
        lookahead: LOOKAHEAD_KINDS.has(spec.kind),
        work: { kind: "step", wave: wave.name, batch: index, step: spec.id },
      }),
    ),
  }));
  const syncBatch = syncBatchOf(wave);
  const sync: PlannedStep = {
    id: stepId(wave.name, syncBatch, SYNC_STACK_STEP),
    soak: false,
    lookahead: false,
    work: { kind: "step", wave: wave.name, batch: syncBatch, step: SYNC_STACK_STEP },
  };
  const last = batches.at(-1)?.steps ?? [];
  const beforeSoak = last.filter((step) => !step.soak);
  return { batches, sync, lastFlip: (beforeSoak.at(-1) ?? last.at(-1) ?? sync).id };
}

/**
 * A wave's nodes under the pipeline: the start after `waits`; in each batch the steps up to the
 * flip in order, then the soak steps side by side; each batch after the one before, except its
 * leading lookahead steps (verify), which follow the batch before's flip; then its sync and its
 * end. `previousEnd`: the wave before, which its followers' first step after the lookahead
 * (batch 1 on) and its own end wait for, so at most one wave soaks beside another's canary.
 */
function addWave(
  add: (id: string, work: ReleaseWork, after: string[]) => void,
  wave: string,
  { batches, sync }: WavePieces,
  waits: string[],
  previousEnd?: string,
): void {
  add(startId(wave), { kind: "wave-start", wave }, waits);
  let ends: string[] = [startId(wave)];
  let flipped: string[] = ends;
  batches.forEach((batch, index) => {
    const batchEnds = index === 1 && previousEnd !== undefined ? [...ends, previousEnd] : ends;
    // A follower's leading lookahead steps (verify) wait only for the batch before's flip; its
    // first other step also waits for that batch's end.
    const ahead = index === 0 ? 0 : leadingLookaheads(batch.steps);
    let last = ahead > 0 ? flipped : batchEnds;
    const soaks: string[] = [];
    batch.steps.forEach((step, i) => {
      if (ahead > 0 && i === ahead) last = [...last, ...batchEnds];
      if (step.soak) {
        add(step.id, step.work, last);
        soaks.push(step.id);
      } else {
        add(step.id, step.work, [...last, ...soaks]);
        last = [step.id];
      }
    });
    flipped = last;
    ends = soaks.length > 0 ? soaks : last;
  });
  const syncAfter =
    batches.length === 1 && previousEnd !== undefined ? [...ends, previousEnd] : ends;
  add(sync.id, sync.work, syncAfter);
  add(endId(wave), { kind: "wave-end", wave }, [sync.id]);
}

/** How many of a batch's first steps are lookahead steps. */
function leadingLookaheads(steps: readonly PlannedStep[]): number {
  const first = steps.findIndex((step) => !step.lookahead);
  return first < 0 ? steps.length : first;
}

/** Per production wave, the prestage batches that launch its Outposts' idle colors. */
function prestageOwners(plan: RolloutPlan): Map<string, Set<number>> {
  const waveOf = new Map(
    productionWaves(plan).flatMap((wave) => wave.stages.map((stage) => [stage.id, wave.name])),
  );
  const owners = new Map<string, Set<number>>();
  (plan.prestage?.batches ?? []).forEach((ids, batch) => {
    for (const id of ids) {
      const wave = waveOf.get(id);
      if (wave !== undefined) owners.set(wave, (owners.get(wave) ?? new Set()).add(batch));
    }
  });
  return owners;
}

/** The node ids in an order that respects every edge (for display and checks). */
export function graphOrder(nodes: readonly ReleaseNode[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const ready = nodes.filter((n) => !done.has(n.id) && n.after.every((a) => done.has(a)));
    if (ready.length === 0) throw new Error("release graph has a cycle");
    for (const node of ready) {
      done.add(node.id);
      order.push(node.id);
    }
  }
  return order;
}
