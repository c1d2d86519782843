import { ConfigProblem } from "../errors";
import { ParsedFleetConfig } from "../schema";

/** Canary weights only grow, and the last one sends everything to the new version. */
export function canaryStepOrder(config: ParsedFleetConfig): ConfigProblem[] {
  const steps = config.eks.canarySteps;
  const weights = steps.flatMap((step, index) =>
    "setWeight" in step ? [{ index, weight: step.setWeight }] : [],
  );
  const problems: ConfigProblem[] = [];
  weights.forEach(({ index, weight }, i) => {
    const previous = weights[i - 1];
    if (previous !== undefined && weight <= previous.weight) {
      problems.push({
        key: `outpost-fleet:eks.canarySteps[${index}].setWeight`,
        value: weight,
        allowed: `must be above the previous weight ${previous.weight} (canarySteps[${previous.index}]): weights only grow`,
      });
    }
  });
  const last = weights[weights.length - 1];
  if (last === undefined || last.weight !== 100) {
    problems.push({
      key: "outpost-fleet:eks.canarySteps",
      value: weights.map((w) => w.weight),
      allowed: "must end with setWeight 100, so that the canary ends on the new version",
    });
  }
  return problems;
}
