import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { ConfigDocuments } from "../providers/dynamic-resources";
import { LocalRuntime } from "../local-runtime";
import { Tags } from "../tags";

export interface ConfigStoreArgs {
  /** Root of the stack's subtree, `<ssmPathPrefix>/<environment>/<regionGroup>` (configRoot). */
  readonly root: string;
  /** Documents by parameter path, as the AWS target writes them to SSM (configParameters). */
  readonly documents: Readonly<Record<string, string>>;
  readonly runtime: LocalRuntime;
  readonly tags: Tags;
}

/** Folder of the store under the run dir; a document lives at `<storeDir><parameter path>`. */
export function configStoreDir(runtime: LocalRuntime): string {
  return path.join(runtime.runDir, "config-store");
}

/**
 * The stack's merged config as files, the local stand-in for the AWS target's SSM parameters
 * (infra/aws/config-store.ts): the same documents, `release/version` and `fingerprint`
 * included. Stack-wide: it is no descendant of any Outpost's site, so a targeted `up` of an
 * Outpost leaves it alone and only an untargeted `up` moves it to a new release.
 */
export class ConfigStore extends pulumi.ComponentResource {
  readonly storeDir: pulumi.Output<string>;
  readonly documents: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ConfigStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:local:ConfigStore", name, {}, opts);
    const files = new ConfigDocuments(
      `${name}-documents`,
      {
        root: args.root,
        documents: args.documents,
        storeDir: configStoreDir(args.runtime),
        tags: args.tags,
      },
      { parent: this },
    );
    this.storeDir = files.storeDir;
    this.documents = files.documents;
    this.registerOutputs({ storeDir: this.storeDir });
  }
}
