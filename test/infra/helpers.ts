import { readStackFile, StackLayer } from "../../infra/config";
import { OutpostDeploymentState } from "../../infra/contract";
import { RecordedResource } from "../support/record-stack";

/** The example stack with one Outpost's deployment state changed. */
export function withState(
  stack: string,
  outpost: string,
  change: Partial<OutpostDeploymentState>,
  base: StackLayer = readStackFile(stack),
): StackLayer {
  const deployment = base.deployment as Record<string, OutpostDeploymentState>;
  return {
    ...base,
    deployment: { ...deployment, [outpost]: { ...deployment[outpost], ...change } },
  };
}

export function byKey(resources: readonly RecordedResource[]): Map<string, RecordedResource> {
  return new Map(resources.filter((r) => r.custom).map((r) => [`${r.type}::${r.name}`, r]));
}

/** Keys ("type::name") of resources whose inputs differ between two recordings of a stack. */
export function changedResources(
  before: readonly RecordedResource[],
  after: readonly RecordedResource[],
): string[] {
  const a = byKey(before);
  const b = byKey(after);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys]
    .filter((key) => JSON.stringify(a.get(key)?.inputs) !== JSON.stringify(b.get(key)?.inputs))
    .sort();
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}
