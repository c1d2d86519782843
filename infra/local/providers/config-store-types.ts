import type { Tags } from "../tags";

/** Inputs of the local config store: the stack's merged config documents, written as files. */
export interface ConfigStoreInputs {
  /** Root of the stack's config subtree, `<ssmPathPrefix>/<environment>/<regionGroup>`. */
  readonly root: string;
  /**
   * Documents by parameter path under the root, as the AWS target puts them in SSM
   * (configParameters): one JSON document per section and Outpost, `<root>/release/version`
   * and `<root>/fingerprint`. No secrets.
   */
  readonly documents: Readonly<Record<string, string>>;
  /** Absolute folder the documents are written under: `<storeDir><parameter path>`. */
  readonly storeDir: string;
  /** Stack tags: the store belongs to no Outpost and no color. */
  readonly tags: Tags;
}

/** The documents as last written or read back from disk (a refresh drops missing files). */
export type ConfigStoreOutputs = ConfigStoreInputs;
