import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../aws/tags";
import { controlKeyPolicy } from "./pipeline-iam";

export interface ControlKeyArgs {
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /** `alias/<alias>`: also the fleet stacks' secrets provider (awskms://alias/<alias>). */
  readonly alias: string;
  readonly tags: Tags;
}

/**
 * The control plane's customer managed key: the image repository, both buckets, the build
 * projects' artifacts and the release topic are encrypted with it. Rotated yearly.
 */
export class ControlKey extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly aliasName: string;

  constructor(name: string, args: ControlKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:control:ControlKey", name, {}, opts);
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "outpost-fleet control plane: release images, artifacts, state, topic",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi
          .output(args.accountId)
          .apply((accountId) => JSON.stringify(controlKeyPolicy(accountId, args.region))),
        tags: args.tags,
      },
      { parent: this },
    );
    this.aliasName = `alias/${args.alias}`;
    new aws.kms.Alias(
      `${name}-alias`,
      { name: this.aliasName, targetKeyId: key.keyId },
      { parent: this },
    );
    this.arn = key.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
