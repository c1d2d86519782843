import { isRecord } from "./plain";
import { FleetResource } from "./fleet-resource";
import { TYPES } from "./types";

/**
 * The local target's config store (infra/local/components/config-store.ts): a dynamic resource
 * whose `documents` input maps SSM-style parameter paths to values, the local counterpart of
 * the AWS target's SSM parameters. Returns its documents, or [] for any other resource.
 */
export function localConfigDocuments(
  resource: FleetResource,
): { readonly path: string; readonly value: unknown }[] {
  const documents = resource.props.documents;
  if (resource.type !== TYPES.dynamic || !isRecord(documents)) return [];
  return Object.entries(documents).map(([path, value]) => ({ path, value }));
}
