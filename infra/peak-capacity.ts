import {
  LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES,
  OUTPOST_ALB_MIN_INSTANCES,
} from "./config/aws-catalog";

/**
 * Self-managed EKS nodes per Outpost: two at least (one can drain while the other serves), one
 * per two app replicas, and room to double during node rotation.
 */
export function eksNodeCapacity(replicas: number): { min: number; desired: number; max: number } {
  const count = Math.max(2, Math.ceil(replicas / 2));
  return { min: count, desired: count, max: count * 2 };
}

/** One Auto Scaling group that may run on the Outpost, at its maximum size. */
export interface BudgetGroup {
  readonly name: string;
  readonly max: number;
}

/** What runs on one Outpost at the peak of a release. */
export interface InstanceBudgetInput {
  /** Every group at its max: both colors (both warm during a release) and the EKS nodes. */
  readonly groups: readonly BudgetGroup[];
  /** Local clusters whose control plane runs here (three instances each, fixed by AWS). */
  readonly localControlPlanes: number;
  /** Application Load Balancers on the Outpost; AWS runs each on the Outpost's instances. */
  readonly loadBalancers: number;
}

export interface InstanceBudget {
  readonly total: number;
  /** The sum spelled out, for error messages: "blue 6 + green 6 + ...". */
  readonly explanation: string;
}

/**
 * The one rule for the instances an Outpost must hold at once: the config check, the peak
 * figures and the outpost-instance-budget policy all count with it. Pure.
 */
export function outpostInstanceBudget(input: InstanceBudgetInput): InstanceBudget {
  const parts = input.groups.map((group) => `${group.name} ${group.max}`);
  let total = input.groups.reduce((sum, group) => sum + group.max, 0);
  if (input.localControlPlanes > 0) {
    const instances = input.localControlPlanes * LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES;
    total += instances;
    parts.push(
      input.localControlPlanes === 1
        ? `${instances} control-plane instances`
        : `${input.localControlPlanes} control planes x ${LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES} instances`,
    );
  }
  if (input.loadBalancers > 0) {
    total += input.loadBalancers * OUTPOST_ALB_MIN_INSTANCES;
    const albs = input.loadBalancers === 1 ? "1 ALB" : `${input.loadBalancers} ALBs`;
    parts.push(`${albs} x ${OUTPOST_ALB_MIN_INSTANCES} instances`);
  }
  return { total, explanation: parts.join(" + ") };
}

/** ALBs the AWS program puts on each Outpost: the EC2 colors' one, and the Ingress's with EKS. */
export function siteLoadBalancers(eksEnabled: boolean): number {
  return eksEnabled ? 2 : 1;
}
