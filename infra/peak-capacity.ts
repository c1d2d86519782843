import { LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES } from "./config/aws-catalog";

/**
 * Self-managed EKS nodes per Outpost: two at least (one can drain while the other serves), one
 * per two app replicas, and room to double during node rotation.
 */
export function eksNodeCapacity(replicas: number): { min: number; desired: number; max: number } {
  const count = Math.max(2, Math.ceil(replicas / 2));
  return { min: count, desired: count, max: count * 2 };
}

/** What runs on one Outpost at the peak of a release. */
export interface InstanceBudgetInput {
  /** capacity.max: each color may grow to it, and both are warm during a release. */
  readonly colorMax: number;
  /** App replicas on EKS, when the Outpost runs EKS nodes; undefined when it runs none. */
  readonly eksReplicas?: number;
  /** Whether a local cluster's control plane (three instances, fixed by AWS) runs here. */
  readonly localControlPlane: boolean;
}

/** Instances an Outpost must hold at once, with the sum spelled out for error messages. */
export function outpostInstanceBudget(input: InstanceBudgetInput): {
  total: number;
  explanation: string;
} {
  const colors = 2 * input.colorMax;
  const nodes = input.eksReplicas === undefined ? 0 : eksNodeCapacity(input.eksReplicas).max;
  const controlPlane = input.localControlPlane ? LOCAL_CLUSTER_CONTROL_PLANE_INSTANCES : 0;
  const total = colors + nodes + controlPlane;
  const parts = ["2 x max"];
  if (nodes > 0) parts.push(`${nodes} EKS nodes`);
  if (controlPlane > 0) parts.push(`${controlPlane} control-plane instances`);
  return { total, explanation: `${parts.join(" + ")} (${total})` };
}
