import { StackValidationPolicy } from "@pulumi/policy";
import { configBoolean } from "./lib/config-values";
import { asArray, asString, at, isUnknown } from "./lib/plain";
import { fromStack } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { POLICY } from "./names";

/**
 * The release pipeline's stages, in order, with the action categories each may hold
 * (infra/control/pipeline-stages.ts): the driver's CodeBuild runs are Build or Test actions.
 */
export const RELEASE_STAGES: readonly { name: string; categories: readonly string[] }[] = [
  { name: "Source", categories: ["Source"] },
  { name: "Build", categories: ["Build", "Test"] },
  { name: "Test", categories: ["Build", "Test"] },
  { name: "Approval", categories: ["Approval"] },
  { name: "Deploy", categories: ["Build", "Deploy"] },
];

/**
 * A commit reaches production only through the whole line: source, build, the staging test,
 * a person's approval (unless config waives it), then the production deploy.
 */
export const pipelineStageOrder: StackValidationPolicy = {
  name: POLICY.pipelineStageOrder,
  description:
    "Every CodePipeline pipeline runs Source, Build, Test (staging), Approval, then Deploy (production), in that order.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireApproval: {
        type: "boolean",
        default: true,
        description:
          "Require the Approval stage (a manual approval) between the staging test and the production deploy.",
      },
    },
  },
  validateStack: (args, report) => {
    const requireApproval = configBoolean(args.getConfig(), "requireApproval", true);
    for (const pipeline of fromStack(args.resources).filter((r) => r.type === TYPES.pipeline)) {
      const stages = pipeline.props.stages;
      if (isUnknown(stages)) continue;
      const names = asArray(stages).map((stage) => at(stage, "name"));
      if (names.some(isUnknown)) continue;
      const hasApproval = names.includes("Approval");
      const expected = RELEASE_STAGES.filter(
        (stage) => stage.name !== "Approval" || requireApproval || hasApproval,
      );
      const actual = names.map((name) => asString(name) ?? "?");
      if (actual.join(",") !== expected.map((s) => s.name).join(",")) {
        report(
          `pipeline ${pipeline.name} has stages ${actual.join(", ") || "(none)"}; expected ${expected.map((s) => s.name).join(", ")}.`,
          pipeline.urn,
        );
        continue;
      }
      asArray(stages).forEach((stage, i) => {
        for (const action of asArray(at(stage, "actions"))) {
          const category = at(action, "category");
          if (isUnknown(category)) continue;
          if (!expected[i].categories.includes(asString(category) ?? ""))
            report(
              `pipeline ${pipeline.name}: stage ${expected[i].name} has action ${String(asString(at(action, "name")))} of category ${JSON.stringify(category ?? null)}; expected ${expected[i].categories.join(" or ")}.`,
              pipeline.urn,
            );
        }
      });
    }
  },
};
