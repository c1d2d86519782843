/** A resource in an exported deployment: just what target selection needs. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly parent?: string;
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * The URNs to pass as `targets` so an `up` touches only these Outposts: every resource whose
 * name is the Outpost's name or starts with "<outpost>-", all their descendants, and the root
 * Stack resource (so the stack outputs are refreshed). Empty when no resource matches (a new
 * stack): then the caller runs a whole update. Pure.
 */
export function outpostTargets(
  resources: readonly StateResource[],
  outposts: readonly string[],
): string[] {
  const matches = (urn: string) =>
    outposts.some((o) => nameOf(urn) === o || nameOf(urn).startsWith(`${o}-`));
  const selected = new Set(resources.filter((r) => matches(r.urn)).map((r) => r.urn));
  if (selected.size === 0) return [];
  let grew = true;
  while (grew) {
    grew = false;
    for (const resource of resources) {
      if (resource.parent && selected.has(resource.parent) && !selected.has(resource.urn)) {
        selected.add(resource.urn);
        grew = true;
      }
    }
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (root) selected.add(root.urn);
  return resources.map((r) => r.urn).filter((urn) => selected.has(urn));
}
