import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../aws/tags";
import { releaseTopicPolicy } from "./pipeline-iam";

/**
 * The pipeline events announced on the topic (Developer Tools console User Guide, "Events for
 * notification rules on pipelines"): every execution's start and end, and each approval.
 */
export const PIPELINE_EVENTS = [
  "codepipeline-pipeline-pipeline-execution-started",
  "codepipeline-pipeline-pipeline-execution-succeeded",
  "codepipeline-pipeline-pipeline-execution-failed",
  "codepipeline-pipeline-pipeline-execution-canceled",
  "codepipeline-pipeline-pipeline-execution-superseded",
] as const;
export const APPROVAL_EVENTS = [
  "codepipeline-pipeline-manual-approval-needed",
  "codepipeline-pipeline-manual-approval-succeeded",
  "codepipeline-pipeline-manual-approval-failed",
] as const;

export interface ReleaseNotificationsArgs {
  readonly topicName: string;
  readonly keyArn: pulumi.Input<string>;
  readonly tags: Tags;
}

/**
 * The release topic: KMS-encrypted with the control key, open to CodeStar Notifications (and
 * to the deploy project's role, by its own policy). Rules are added once the pipeline exists.
 */
export class ReleaseNotifications extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  private readonly tags: Tags;

  constructor(
    name: string,
    args: ReleaseNotificationsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("outpost-fleet:control:ReleaseNotifications", name, {}, opts);
    this.tags = args.tags;
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { name: args.topicName, kmsMasterKeyId: args.keyArn, tags: args.tags },
      { parent: this },
    );
    const policy = new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: topic.arn.apply((arn) => JSON.stringify(releaseTopicPolicy(arn))),
      },
      { parent: this },
    );
    // Rules check that they may publish: they wait for the policy.
    this.topicArn = pulumi.all([topic.arn, policy.id]).apply(([arn]) => arn);
    this.registerOutputs({ topicArn: this.topicArn });
  }

  /** Notification rules on a pipeline: its executions, and its approvals. */
  watchPipeline(name: string, pipelineName: string, pipelineArn: pulumi.Input<string>): void {
    const rules: [string, readonly string[]][] = [
      ["executions", PIPELINE_EVENTS],
      ["approvals", APPROVAL_EVENTS],
    ];
    for (const [what, events] of rules) {
      new aws.codestarnotifications.NotificationRule(
        `${name}-${what}`,
        {
          name: `${pipelineName}-${what}`.slice(0, 64),
          resource: pipelineArn,
          detailType: "FULL",
          eventTypeIds: [...events],
          status: "ENABLED",
          targets: [{ type: "SNS", address: this.topicArn }],
          tags: this.tags,
        },
        { parent: this },
      );
    }
  }
}
