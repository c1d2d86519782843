import type { Color, OutpostDeploymentState } from "../../infra/contract";
import type { DriverConfig } from "../engine/engine-port";
import { allStages, type Stage } from "../plan/plan-types";
import type { JournalEvent } from "../journal/journal-events";

/** Percent of an Outpost's traffic on each color (they add up to 100). */
export interface ColorSplit {
  readonly blue: number;
  readonly green: number;
}

/** Where an Outpost's traffic is and what each color runs, as far as the journal knows. */
export interface StageTraffic {
  readonly activeColor: Color;
  readonly split: ColorSplit;
  readonly versions: Readonly<Record<Color, string>>;
  /** The version the Outpost's Rollout runs, or null without EKS. */
  readonly rolloutVersion: string | null;
  /**
   * `baseline`: the deployment config when the release started; `observed`: the stack outputs
   * after a step changed the Outpost; `rollback`: what a completed rollback phase put back
   * (the rollback does not record outputs).
   */
  readonly source: "baseline" | "observed" | "rollback";
  /** The step (or rollback phase) after which this was true; null for the baseline. */
  readonly after: string | null;
}

const other = (color: Color): Color => (color === "blue" ? "green" : "blue");

/** The split from listener weights (any units); without weights, from the candidate weight. */
export function splitOf(
  activeColor: Color,
  candidateWeight: number,
  weights?: Readonly<Record<Color, number>>,
): ColorSplit {
  const total = weights ? weights.blue + weights.green : 0;
  if (weights && total > 0) {
    const blue = Math.round((weights.blue / total) * 1000) / 10;
    return { blue, green: Math.round((100 - blue) * 10) / 10 };
  }
  const candidate = Math.min(100, Math.max(0, candidateWeight));
  const split = { [activeColor]: 100 - candidate, [other(activeColor)]: candidate };
  return { blue: split.blue, green: split.green };
}

export function baselineTraffic(state: OutpostDeploymentState): StageTraffic {
  return {
    activeColor: state.activeColor,
    split: splitOf(state.activeColor, state.candidateWeight),
    versions: { blue: state.blueVersion, green: state.greenVersion },
    rolloutVersion: state.rolloutVersion ?? null,
    source: "baseline",
    after: null,
  };
}

/**
 * Follows every Outpost's traffic through the events of one attempt: the baseline, each
 * `stage-observed`, and the rollback phases (traffic: the old color takes everything back;
 * restore: the baseline state). Feed it events in order with `apply`.
 */
export class TrafficTracker {
  private readonly traffic = new Map<string, StageTraffic>();
  private readonly stages: Stage[] = [];
  private baselines: Readonly<Record<string, DriverConfig>> = {};
  private rollbackStages: readonly string[] = [];

  get(stage: string): StageTraffic | undefined {
    return this.traffic.get(stage);
  }

  apply(event: JournalEvent): void {
    switch (event.type) {
      case "release-started":
        this.traffic.clear();
        this.stages.splice(0, this.stages.length, ...allStages(event.plan));
        this.baselines = event.baselines;
        this.rollbackStages = [];
        for (const stage of this.stages) {
          const state = this.baselineOf(stage);
          if (state) this.traffic.set(stage.id, baselineTraffic(state));
        }
        return;
      case "stage-observed":
        this.traffic.set(event.stage, {
          activeColor: event.activeColor,
          split: splitOf(event.activeColor, event.candidateWeight, event.weights),
          versions: event.versions,
          rolloutVersion: event.rolloutVersion,
          source: "observed",
          after: event.step,
        });
        return;
      case "rollback-started":
        this.rollbackStages = event.stages;
        return;
      case "rollback-step-completed":
        if (event.phase === "release-config") return;
        for (const stage of this.stages) {
          if (stage.stack !== event.stack || !this.rollbackStages.includes(stage.id)) continue;
          const baseline = this.baselineOf(stage);
          const current = this.traffic.get(stage.id);
          if (!baseline || !current) continue;
          const back =
            event.phase === "traffic"
              ? {
                  ...current,
                  activeColor: baseline.activeColor,
                  split: splitOf(baseline.activeColor, 0),
                }
              : baselineTraffic(baseline);
          this.traffic.set(stage.id, {
            ...back,
            source: "rollback",
            after: `rollback ${event.phase}`,
          });
        }
        return;
      default:
        return;
    }
  }

  private baselineOf(stage: Stage): OutpostDeploymentState | undefined {
    return this.baselines[stage.stack]?.deployment[stage.outpost];
  }
}
