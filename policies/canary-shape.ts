import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { configBoolean, configNumbers } from "./lib/config-values";
import { validateTypes } from "./lib/policy";
import { asArray, asNumber, at, isRecord, isUnknown } from "./lib/plain";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

type Step = {
  readonly index: number;
  readonly kind: "setWeight" | "pause" | "analysis" | "other";
  readonly weight?: number;
};

function stepsOf(value: readonly unknown[]): Step[] {
  return value.map((step, index) => {
    if (!isRecord(step)) return { index, kind: "other" };
    if ("setWeight" in step) return { index, kind: "setWeight", weight: asNumber(step.setWeight) };
    if ("pause" in step) return { index, kind: "pause" };
    if ("analysis" in step) return { index, kind: "analysis" };
    return { index, kind: "other" };
  });
}

/**
 * A canary proves a version on a slice of traffic before it takes all of it. Argo promotes
 * to 100% after the last step on its own, so "reaching 100%" means a setWeight of 100 or the
 * end of the steps, whichever comes first.
 */
export const canaryShape: ResourceValidationPolicy = {
  name: POLICY.canaryShape,
  description:
    "Rollout canaries step through the configured weights and pause or analyse before reaching 100%.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      weights: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 100 },
        default: [],
        description:
          "setWeight values every Rollout must step through, in order (the fleet config's canary weights).",
      },
      requireAnalysis: {
        type: "boolean",
        default: true,
        description: "Require an analysis (inline step or background) before traffic reaches 100%.",
      },
    },
  },
  validateResource: validateTypes([TYPES.rollout], (resource, args, report) => {
    const config = args.getConfig();
    const strategy = at(resource.props, "spec", "strategy");
    if (isUnknown(strategy)) return;
    const canary = at(strategy, "canary");
    if (!isRecord(canary)) {
      report(
        "has no canary strategy (spec.strategy.canary); the fleet ships to EKS only through canaries.",
      );
      return;
    }
    if (isUnknown(canary.steps)) return;
    const steps = stepsOf(asArray(canary.steps));
    checkWeights(steps, configNumbers(config, "weights"), report);
    checkGate(
      steps,
      configBoolean(config, "requireAnalysis", true),
      isRecord(canary.analysis),
      report,
    );
  }),
};

function checkWeights(
  steps: readonly Step[],
  expected: readonly number[],
  report: ReportViolation,
): void {
  const weights = steps.flatMap((s) =>
    s.kind === "setWeight" && s.weight !== undefined ? [s.weight] : [],
  );
  let next = 0;
  for (const weight of weights) if (next < expected.length && weight === expected[next]) next++;
  if (next < expected.length) {
    report(
      `canary steps set weights ${JSON.stringify(weights)}; they must step through ${JSON.stringify(expected)} in that order.`,
    );
  }
  const descending = weights.findIndex((w, i) => i > 0 && w < weights[i - 1]);
  if (descending > 0) {
    report(
      `canary weight drops from ${weights[descending - 1]} to ${weights[descending]}; weights must only grow.`,
    );
  }
}

function checkGate(
  steps: readonly Step[],
  requireAnalysis: boolean,
  background: boolean,
  report: ReportViolation,
): void {
  const full = steps.findIndex((s) => s.kind === "setWeight" && (s.weight ?? 0) >= 100);
  const before = full === -1 ? steps : steps.slice(0, full);
  const partial = before.filter((s) => s.kind === "setWeight" && (s.weight ?? 0) > 0);
  if (partial.length === 0) {
    report("goes straight to 100%: no setWeight step below 100 comes first.");
    return;
  }
  const lastPartial = partial[partial.length - 1].index;
  const gated = before.some(
    (s) => s.index > lastPartial && (s.kind === "pause" || s.kind === "analysis"),
  );
  if (!gated) {
    report(
      `jumps from ${partial[partial.length - 1].weight}% to 100% without a pause or analysis step in between ` +
        `(after step ${lastPartial}).`,
    );
  }
  if (requireAnalysis && !background && !before.some((s) => s.kind === "analysis")) {
    report(
      "reaches 100% without any analysis: add an analysis step before it, or a background analysis.",
    );
  }
}
