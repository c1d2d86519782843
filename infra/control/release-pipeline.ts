import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "../aws/fleet-iam";
import { Tags } from "../aws/tags";
import {
  CODEPIPELINE_SERVICE,
  ControlArns,
  EVENTS_SERVICE,
  pipelinePolicy,
  SourceArn,
  startPipelinePolicy,
} from "./pipeline-iam";
import { pipelineStages, StageInputs } from "./pipeline-stages";

export interface ReleasePipelineArgs {
  readonly pipelineName: string;
  /** The stages' inputs (pipelineStages), once the projects and the topic exist. */
  readonly stages: pulumi.Input<StageInputs>;
  readonly arns: pulumi.Input<ControlArns>;
  readonly source: pulumi.Input<SourceArn>;
  readonly projectArns: pulumi.Input<string>[];
  readonly artifactsBucket: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  /** A CodeCommit source: its repository and branch, watched by an EventBridge rule. */
  readonly codeCommit?: { readonly repositoryArn: pulumi.Input<string>; readonly branch: string };
  readonly tags: Tags;
}

/**
 * The release pipeline (CodePipeline V2, runs queued so no release supersedes another):
 * Source, Build, Test (staging), Approval, Deploy (production); artifacts in the artifacts
 * bucket under the control key. A CodeCommit source is started by an EventBridge rule on its
 * branch (a connection source detects changes itself).
 */
export class ReleasePipeline extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: ReleasePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:control:ReleasePipeline", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy(CODEPIPELINE_SERVICE)), tags: args.tags },
      parent,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi
          .all([args.arns, args.source, pulumi.all(args.projectArns)])
          .apply(([arns, source, projectArns]) =>
            JSON.stringify(pipelinePolicy(arns as ControlArns, source as SourceArn, projectArns)),
          ),
      },
      parent,
    );
    const pipeline = new aws.codepipeline.Pipeline(
      `${name}-pipeline`,
      {
        name: args.pipelineName,
        pipelineType: "V2",
        executionMode: "QUEUED",
        roleArn: role.arn,
        artifactStores: [
          {
            type: "S3",
            location: args.artifactsBucket,
            encryptionKey: { type: "KMS", id: args.keyArn },
          },
        ],
        stages: pulumi
          .output(args.stages)
          .apply((stages) => pipelineStages(stages as StageInputs).map((s) => ({ ...s }))),
        tags: args.tags,
      },
      { parent: this, dependsOn: [policy] },
    );
    if (args.codeCommit) this.codeCommitTrigger(name, pipeline, args.codeCommit, args.tags);
    this.arn = pipeline.arn;
    this.name = pipeline.name;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }

  private codeCommitTrigger(
    name: string,
    pipeline: aws.codepipeline.Pipeline,
    source: { readonly repositoryArn: pulumi.Input<string>; readonly branch: string },
    tags: Tags,
  ): void {
    const parent = { parent: this };
    const branch = source.branch;
    const role = new aws.iam.Role(
      `${name}-events-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy(EVENTS_SERVICE)), tags },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-events-policy`,
      {
        role: role.name,
        policy: pipeline.arn.apply((arn) => JSON.stringify(startPipelinePolicy(arn))),
      },
      parent,
    );
    // CodeCommit's push event (CodePipeline User Guide, "CodeCommit source actions and EventBridge").
    const rule = new aws.cloudwatch.EventRule(
      `${name}-source-push`,
      {
        description: `Starts the release pipeline on a push to ${branch}`,
        eventPattern: pulumi.output(source.repositoryArn).apply((arn) =>
          JSON.stringify({
            source: ["aws.codecommit"],
            "detail-type": ["CodeCommit Repository State Change"],
            resources: [arn],
            detail: {
              event: ["referenceCreated", "referenceUpdated"],
              referenceType: ["branch"],
              referenceName: [branch],
            },
          }),
        ),
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-source-push-target`,
      { rule: rule.name, arn: pipeline.arn, roleArn: role.arn },
      parent,
    );
  }
}
