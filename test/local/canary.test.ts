import { expect } from "chai";
import { canaryPosition, canaryWeightSchedule } from "../../infra/local/canary-weights";
import { CanaryStepConfig } from "../../infra/config";

const steps: CanaryStepConfig[] = [
  { setWeight: 10 },
  { pause: { duration: "2m" } },
  { analysis: true },
  { setWeight: 50 },
  { pause: {} },
  { setWeight: 100 },
];
const state = {
  blueVersion: "2.0.0",
  greenVersion: "2.1.0",
  activeColor: "blue" as const,
  candidateWeight: 50,
  idleWarm: true,
  rolloutVersion: "2.0.0",
};

describe("local canary rollout", () => {
  it("keeps only the Rollout's weights: pauses and analysis are the driver's gates", () => {
    expect(canaryWeightSchedule(steps)).to.deep.equal([10, 50, 100]);
  });

  it("maps stable to the active color, canary to the candidate, and finds the step", () => {
    expect(canaryPosition(state, [10, 50, 100])).to.deep.equal({
      stableColor: "blue",
      canaryColor: "green",
      weight: 50,
      step: 1,
    });
  });

  it("reports -1 before the first step and null for a weight off the schedule", () => {
    expect(canaryPosition({ ...state, candidateWeight: 0 }, [10, 50, 100]).step).to.equal(-1);
    expect(canaryPosition({ ...state, candidateWeight: 30 }, [10, 50, 100]).step).to.equal(null);
  });
});
