import { SITE_COMPONENT_TYPES } from "../../infra/contract";

/** A resource in an exported deployment: just what target selection needs. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly parent?: string;
}

const SITE_TYPES: ReadonlySet<string> = new Set(Object.values(SITE_COMPONENT_TYPES));

/** The logical name at the end of a URN: `urn:pulumi:<stack>::<project>::<types>::<name>`. */
function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * The URNs to pass as `targets` so an `up` touches only these Outposts: the URN of each one's
 * site component (SITE_COMPONENT_TYPES, named after the Outpost), every descendant of it (by
 * the parent links of the state: a child's URN carries its parents' types, not their names),
 * and the root Stack resource, so the stack outputs are refreshed. Selection is by identity,
 * never by name prefix: `nyc` never selects `nyc-dc1`.
 *
 * Returns undefined when an Outpost has no site in the state yet (a new stack or a new
 * Outpost): its resources can only be created by a whole update. Pure.
 */
export function outpostTargets(
  resources: readonly StateResource[],
  outposts: readonly string[],
): string[] | undefined {
  const sites = resources.filter((r) => SITE_TYPES.has(r.type) && outposts.includes(nameOf(r.urn)));
  const found = new Set(sites.map((site) => nameOf(site.urn)));
  if (outposts.some((outpost) => !found.has(outpost))) return undefined;
  const selected = new Set(sites.map((site) => site.urn));
  const children = new Map<string, string[]>();
  for (const resource of resources) {
    if (resource.parent === undefined) continue;
    children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource.urn]);
  }
  const queue = [...selected];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!selected.has(child)) {
        selected.add(child);
        queue.push(child);
      }
    }
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (root) selected.add(root.urn);
  return resources.map((r) => r.urn).filter((urn) => selected.has(urn));
}
