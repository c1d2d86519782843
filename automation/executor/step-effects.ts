import type { OutpostOutputs } from "../../infra/contract";
import type { GateSummary } from "../gates/gate-summary";
import type { Stage } from "../plan/plan-types";

/** A stage that failed in a step, and why. */
export interface StageFailure {
  readonly stage: Stage;
  readonly reason: string;
  /** The stack holds pending operations: nothing may change it before a repair. */
  readonly needsRepair?: boolean;
}

/** What one step did to a batch: failures, what the outputs report, and how the gates ended. */
export interface StepEffects {
  readonly failures: StageFailure[];
  /** Outposts the step changed, with their outputs after the `up`. */
  readonly observed: { readonly stage: Stage; readonly outputs: OutpostOutputs }[];
  readonly evaluations: { readonly stage: Stage; readonly gates: readonly GateSummary[] }[];
}
