import { StackValidationPolicy } from "@pulumi/policy";
import { outpostInstanceBudget as instanceBudget } from "../infra/peak-capacity";
import { CAPACITY_SCHEMA, INSTANCE_TYPES_SCHEMA } from "./lib/config-values";
import { isAlbIngress } from "./lib/ingress";
import { missingConfigNote, reportNote } from "./lib/notes";
import { asNumber, asString, isRecord } from "./lib/plain";
import { byOutpost, FleetResource, fromStack } from "./lib/fleet-resource";
import { TYPES } from "./lib/types";
import { declaredCapacities } from "./outpost-capacity";
import { POLICY } from "./names";

/** An ALB on the Outpost: the EC2 one (`loadBalancerType` defaults to application) or an Ingress's. */
function isApplicationLoadBalancer(resource: FleetResource): boolean {
  if (resource.type === TYPES.ingress) return isAlbIngress(resource.props);
  if (resource.type !== TYPES.loadBalancer) return false;
  const kind = asString(resource.props.loadBalancerType);
  return kind === undefined || kind === "application";
}

/**
 * Everything that can run on an Outpost at once fits in its instance budget: every ASG at its
 * maxSize (both colors are warm during a release; EKS nodes too), a local cluster's three
 * control-plane instances, which AWS runs on the Outpost and fixes at three, and the instances
 * AWS runs each of the Outpost's ALBs on. Counted with the config check's own rule
 * (infra/peak-capacity.ts).
 */
export const outpostInstanceBudget: StackValidationPolicy = {
  name: POLICY.outpostInstanceBudget,
  description:
    "Each Outpost's ASGs at their maximum, a local cluster's three control-plane instances and its ALBs' instances fit in capacity.maxInstances.",
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
      const budget = instanceBudget({
        groups: sizes.map(({ name, max }) => ({ name, max: max ?? 0 })),
        localControlPlanes: resources.filter(
          (r) => r.type === TYPES.eksCluster && isRecord(r.props.outpostConfig),
        ).length,
        loadBalancers: resources.filter(isApplicationLoadBalancer).length,
      });
      const limit = outpost.capacity.maxInstances;
      if (budget.total > limit) {
        report(
          `Outpost ${outpost.name} may run ${budget.total} instances at once (${budget.explanation}); its capacity.maxInstances is ${limit}.`,
        );
      }
    }
  },
};
