import { StackValidationPolicy } from "@pulumi/policy";
import { LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES } from "../infra/config/aws-catalog";
import { CAPACITY_SCHEMA, INSTANCE_TYPES_SCHEMA } from "./lib/config-values";
import { missingConfigNote, reportNote } from "./lib/notes";
import { asNumber, isRecord } from "./lib/plain";
import { byOutpost, fromStack } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { declaredCapacities } from "./outpost-capacity";
import { POLICY } from "./names";

/**
 * Everything that can run on an Outpost at once fits in its instance budget: every ASG at its
 * maxSize (both colors are warm during a release; EKS nodes too) plus a local cluster's three
 * control-plane instances, which AWS runs on the Outpost and fixes at three.
 */
export const outpostInstanceBudget: StackValidationPolicy = {
  name: POLICY.outpostInstanceBudget,
  description:
    "Each Outpost's ASGs at their maximum, plus a local cluster's three control-plane instances, fit in capacity.maxInstances.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      outposts: {
        type: "array",
        description: "The stack's Outposts: name and capacity {min, desired, max, maxInstances}.",
        items: {
          type: "object",
          properties: {
            name: { type: "string" },
            instanceTypes: INSTANCE_TYPES_SCHEMA,
            capacity: CAPACITY_SCHEMA,
          },
          required: ["name", "capacity"],
        },
      },
    },
  },
  validateStack: (args, report) => {
    const declared = declaredCapacities(args.getConfig());
    const sized = args.resources.some(
      (r) => r.type === TYPES.autoScalingGroup || r.type === TYPES.eksCluster,
    );
    if (!sized) return; // nothing here runs on Outpost instances (the local target)
    if (declared.length === 0)
      return reportNote(report, missingConfigNote(POLICY.outpostInstanceBudget, ["outposts"]));
    const groups = byOutpost(fromStack(args.resources));
    for (const outpost of declared) {
      const resources = groups.get(outpost.name) ?? [];
      const sizes = resources
        .filter((r) => r.type === TYPES.autoScalingGroup)
        .map((group) => ({ name: group.name, max: asNumber(group.props.maxSize) }));
      // A size the engine can't know yet (preview) leaves the budget to the update's analysis.
      if (sizes.some((s) => s.max === undefined)) continue;
      let total = 0;
      const parts: string[] = [];
      for (const { name, max } of sizes) {
        total += max ?? 0;
        parts.push(`${name} ${max}`);
      }
      const localClusters = resources.filter(
        (r) => r.type === TYPES.eksCluster && isRecord(r.props.outpostConfig),
      );
      for (const cluster of localClusters) {
        total += LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES;
        parts.push(`${cluster.name} control plane ${LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES}`);
      }
      const limit = outpost.capacity.maxInstances;
      if (total > limit) {
        report(
          `Outpost ${outpost.name} may run ${total} instances at once (${parts.join(" + ")}); its capacity.maxInstances is ${limit}.`,
        );
      }
    }
  },
};
