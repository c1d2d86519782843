import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../aws/tags";

/**
 * Pure: the repository's lifecycle policy. Untagged images (failed pushes, layers of a
 * rebuilt tag) expire after `untaggedDays`; of the release images, the newest `keepReleases`
 * stay. A rule with tagStatus "any" must have the highest rulePriority (ECR User Guide,
 * "Lifecycle policy properties").
 */
export function lifecyclePolicyDocument(keepReleases: number, untaggedDays: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedDays} days`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: untaggedDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keepReleases} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepReleases },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * Pure: where the image is replicated: every fleet Region but the repository's own (a
 * replication destination cannot be the source Region of the same registry).
 */
export function replicationDestinations(
  fleetRegions: readonly string[],
  sourceRegion: string,
  registryId: string,
): { region: string; registryId: string }[] {
  return fleetRegions
    .filter((region) => region !== sourceRegion)
    .map((region) => ({ region, registryId }));
}

export interface ReleaseRepositoryArgs {
  readonly repositoryName: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  /** Every Region of the fleet: EKS on an Outpost pulls from its own Region. */
  readonly fleetRegions: readonly string[];
  /** Release images kept. */
  readonly keepReleases: number;
  /** Days an untagged image is kept. */
  readonly untaggedDays: number;
  /** basic: the repository scans on push; enhanced: Inspector scans the registry on push. */
  readonly scanType: "basic" | "enhanced";
  /** The repository policy of the source and of every replica (imagePullPolicy), as JSON. */
  readonly pullPolicy: string;
  readonly tags: Tags;
}

/**
 * The app image's ECR repository: scanned on push, tags immutable (a release version names
 * one image forever), encrypted with the control key, old images expiring, and replicated to
 * every other Region of the fleet (the registry's replication configuration), where a
 * creation template gives the replicas immutable tags, KMS encryption, the same lifecycle and
 * the same pull policy.
 */
export class ReleaseRepository extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
  readonly repositoryName: string;

  constructor(name: string, args: ReleaseRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:control:ReleaseRepository", name, {}, opts);
    const parent = { parent: this };
    const repository = new aws.ecr.Repository(
      `${name}-repository`,
      {
        name: args.repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.keyArn }],
        forceDelete: false,
        tags: args.tags,
      },
      parent,
    );
    if (args.scanType === "enhanced") {
      // One scanning configuration per registry (and Region): this stack owns it. Inspector
      // scans what the rule matches; scanOnPush on the repository is then ECR's basic setting,
      // kept for the basic fallback and the ecr-scan-on-push policy (ECR User Guide, "Scan
      // images for software vulnerabilities in Amazon ECR", enhanced scanning).
      new aws.ecr.RegistryScanningConfiguration(
        `${name}-scanning`,
        {
          scanType: "ENHANCED",
          rules: [
            {
              scanFrequency: "SCAN_ON_PUSH",
              repositoryFilters: [{ filter: args.repositoryName, filterType: "WILDCARD" }],
            },
          ],
        },
        parent,
      );
    }
    new aws.ecr.RepositoryPolicy(
      `${name}-pull-policy`,
      { repository: repository.name, policy: args.pullPolicy },
      parent,
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repository.name,
        policy: lifecyclePolicyDocument(args.keepReleases, args.untaggedDays),
      },
      parent,
    );
    const destinations = pulumi
      .output(args.accountId)
      .apply((accountId) => replicationDestinations(args.fleetRegions, args.region, accountId));
    const replicaRegions = args.fleetRegions.filter((region) => region !== args.region);
    // ECR creates the replica repository in each Region with that Region's creation template
    // for REPLICATION, if any, else with default settings (mutable tags, no lifecycle). The
    // prefix of a repository outside any namespace is ROOT (ECR API,
    // CreateRepositoryCreationTemplate). AWS's managed key: the control key is in us-east-1 only.
    const templates = replicaRegions.map(
      (region) =>
        new aws.ecr.RepositoryCreationTemplate(
          `${name}-replica-${region}`,
          {
            region,
            prefix: "ROOT",
            appliedFors: ["REPLICATION"],
            description: `Replicas of ${args.repositoryName} from ${args.region}`,
            imageTagMutability: "IMMUTABLE",
            encryptionConfigurations: [{ encryptionType: "KMS" }],
            lifecyclePolicy: lifecyclePolicyDocument(args.keepReleases, args.untaggedDays),
            // Applied when ECR creates the replica (ECR User Guide, "Templates to control
            // repositories created during a pull through cache, create on push, or replication
            // action"): the region accounts' nodes pull from it.
            repositoryPolicy: args.pullPolicy,
          },
          parent,
        ),
    );
    if (replicaRegions.length > 0) {
      // One replication configuration per registry (and Region): this stack owns it.
      new aws.ecr.ReplicationConfiguration(
        `${name}-replication`,
        {
          replicationConfiguration: {
            rules: [
              {
                destinations,
                repositoryFilters: [{ filter: args.repositoryName, filterType: "PREFIX_MATCH" }],
              },
            ],
          },
        },
        // The templates first: the first replicated push creates the replicas.
        { parent: this, dependsOn: templates },
      );
    }
    this.arn = repository.arn;
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryName = args.repositoryName;
    this.registerOutputs({ arn: this.arn, repositoryUrl: this.repositoryUrl });
  }
}
