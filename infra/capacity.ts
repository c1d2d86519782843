/**
 * Self-managed EKS nodes per Outpost: two at least (one can drain while the other serves), one
 * per two app replicas, and room to double during node rotation.
 */
export function eksNodeCapacity(replicas: number): { min: number; desired: number; max: number } {
  const count = Math.max(2, Math.ceil(replicas / 2));
  return { min: count, desired: count, max: count * 2 };
}
