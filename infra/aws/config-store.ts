import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configReadPolicy } from "./fleet-iam";
import { Tags } from "./tags";

export interface ConfigStoreArgs {
  /** Root of the stack's subtree, `<prefix>/<environment>/<regionGroup>`. */
  readonly root: string;
  /** SSM parameters by full path (configParameters); all under `root`. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Secrets to create, by name: declared and given a value. */
  readonly secretNames: readonly string[];
  readonly region: string;
  /** Secret values by name; already Pulumi secrets, so they stay encrypted in state. */
  readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
  readonly tags: Tags;
}

/**
 * The stack's merged config in SSM Parameter Store under a hierarchical path, its secrets in
 * Secrets Manager, and one IAM policy granting read access to exactly those.
 */
export class ConfigStore extends pulumi.ComponentResource {
  readonly root: string;
  readonly readPolicyArn: pulumi.Output<string>;
  readonly secretArns: pulumi.Output<string>[];

  constructor(name: string, args: ConfigStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:config:ConfigStore", name, {}, opts);
    const parent = { parent: this };
    this.root = args.root;
    for (const [path, value] of Object.entries(args.parameters)) {
      const logical = path.slice(this.root.length + 1).replace(/\//g, "-");
      new aws.ssm.Parameter(
        `${name}-${logical}`,
        {
          name: path,
          type: "String",
          tier: value.length > 4096 ? "Advanced" : "Standard",
          value,
          tags: args.tags,
        },
        parent,
      );
    }
    // A declared secret without a value is never created empty (validation reported it).
    this.secretArns = args.secretNames.flatMap((secretName) => {
      const value = args.secrets[secretName];
      if (value === undefined) return [];
      const secret = new aws.secretsmanager.Secret(
        `${name}-${secretName}`,
        { name: `${this.root}/${secretName}`, recoveryWindowInDays: 7, tags: args.tags },
        parent,
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-${secretName}-value`,
        { secretId: secret.id, secretString: pulumi.secret(value) },
        parent,
      );
      return [secret.arn];
    });
    const identity = aws.getCallerIdentityOutput({}, parent);
    const document = pulumi
      .all([identity.accountId, pulumi.all(this.secretArns)])
      .apply(([account, secretArns]) =>
        JSON.stringify(
          configReadPolicy(
            `arn:aws:ssm:${args.region}:${account}:parameter${this.root}/*`,
            secretArns,
          ),
        ),
      );
    const policy = new aws.iam.Policy(
      `${name}-read`,
      { description: `Read ${this.root} config and secrets`, policy: document, tags: args.tags },
      parent,
    );
    this.readPolicyArn = policy.arn;
    this.registerOutputs({ root: this.root, readPolicyArn: this.readPolicyArn });
  }
}
