/**
 * The control-plane target (`outpost-fleet:target: control`, docs/pipeline.md): the central
 * pipeline of one fleet, in us-east-1. Loaded lazily by infra/program.ts, like the fleet's
 * targets; the only place that maps ControlConfig to the components' narrow args.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "../config/errors";
import { StackLayer } from "../config/load";
import { buildProjectSpecs } from "./build-specs";
import { ControlConfig, loadControlConfig, pipelineStacks } from "./control-config";
import { artifactLifecycle, ControlBucket, stateLifecycle } from "./control-bucket";
import { ControlKey } from "./control-key";
import { ServerAccessLogBucket } from "../aws/server-access-log-bucket";
import { BuildProjects } from "./build-projects";
import { ControlArns, SourceArn } from "./pipeline-iam";
import { ReleaseDashboard } from "./release-dashboard";
import { ReleaseNotifications } from "./release-notifications";
import { ReleasePipeline } from "./release-pipeline";
import { accountOfRole, imagePullPolicy } from "./image-pull-policy";
import { ReleaseRepository } from "./release-repository";
import { controlTags } from "./control-tags";

/** The SSM parameter buildspec.yml reads the backend URL from (its parameter-store entry). */
export const BACKEND_URL_PARAMETER = "/outpost-fleet/pulumi-backend-url";

export interface ControlOutputs {
  readonly [name: string]: unknown;
  readonly target: "control";
  readonly repositoryUrl: pulumi.Output<string>;
  readonly artifactsBucket: pulumi.Output<string>;
  readonly stateBucket: pulumi.Output<string>;
  /** `s3://<state bucket>?region=us-east-1`: the fleet stacks' Pulumi backend. */
  readonly backendUrl: pulumi.Output<string>;
  /** `awskms://alias/<name>`: the fleet stacks' secrets provider. */
  readonly secretsProvider: string;
  readonly pipelineName: pulumi.Output<string>;
  readonly topicArn: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;
}

/** The control stack's program: validate, then build. A secret given to it is refused. */
export function controlProgram(
  stack: StackLayer,
  secretNames: readonly string[] = [],
): ControlOutputs {
  if (secretNames.length > 0) {
    throw new ConfigValidationError([
      {
        key: "outpost-fleet:secrets",
        value: secretNames,
        allowed: "is not a key of a control stack (target: control); it holds no secrets",
      },
    ]);
  }
  return deployControlPlane(loadControlConfig(stack));
}

export function deployControlPlane(config: ControlConfig): ControlOutputs {
  const tags = controlTags(config);
  const region = config.awsRegion;
  const identity = aws.getCallerIdentityOutput({});
  const accountId = identity.accountId;
  const key = new ControlKey(`${config.name}-key`, {
    accountId,
    region,
    alias: config.name,
    tags,
  });
  const repository = new ReleaseRepository(`${config.name}-images`, {
    repositoryName: config.ecr.repositoryName,
    region,
    accountId,
    keyArn: key.arn,
    fleetRegions: config.fleetRegions,
    keepReleases: config.ecr.keepReleases,
    untaggedDays: config.ecr.untaggedDays,
    scanType: config.ecr.scanType,
    // The fleet's accounts: those of the stacks' deploy roles, where their nodes run.
    pullPolicy: JSON.stringify(
      imagePullPolicy(Object.values(config.deployRoles).map(accountOfRole)),
    ),
    tags,
  });
  const artifacts = new ControlBucket(`${config.name}-artifacts`, {
    prefix: config.name,
    purpose: "artifacts",
    accountId,
    keyArn: key.arn,
    lifecycleRules: artifactLifecycle(config.artifacts.retentionDays),
    tags,
  });
  const state = new ControlBucket(`${config.name}-state`, {
    prefix: config.name,
    purpose: "state",
    accountId,
    keyArn: key.arn,
    lifecycleRules: stateLifecycle(config.state.noncurrentVersionDays),
    tags,
  });
  // Both buckets' requests, into the control plane's access-log bucket (it logs nowhere itself).
  new ServerAccessLogBucket(`${config.name}-s3-access-logs`, {
    prefix: config.name,
    accountId,
    sources: [
      { key: "artifacts", bucket: artifacts.bucketName },
      { key: "state", bucket: state.bucketName },
    ],
    retentionDays: config.serverAccessLogs.retentionDays,
    tags,
  });
  const backendUrl = state.bucketName.apply((bucket) => `s3://${bucket}?region=${region}`);
  const backendParameter = new aws.ssm.Parameter(`${config.name}-backend-url`, {
    name: BACKEND_URL_PARAMETER,
    type: "String",
    value: backendUrl,
    description: "The fleet stacks' Pulumi backend (the driver's journal and lock live beside it)",
    tags,
  });
  const notifications = new ReleaseNotifications(`${config.name}-notifications`, {
    topicName: `${config.name}-releases`,
    keyArn: key.arn,
    tags,
  });
  const arns: pulumi.Output<ControlArns> = pulumi
    .all([
      accountId,
      key.arn,
      artifacts.arn,
      state.arn,
      repository.arn,
      notifications.topicArn,
      backendParameter.name,
    ])
    .apply(([account, keyArn, artifactsArn, stateArn, repositoryArn, topicArn, parameter]) => ({
      region,
      accountId: account,
      keyArn,
      artifactsBucketArn: artifactsArn,
      stateBucketArn: stateArn,
      repositoryArn,
      topicArn,
      backendUrlParameterArn: `arn:aws:ssm:${region}:${account}:parameter${parameter}`,
      deployRoleArns: pipelineStacks(config).map((stack) => config.deployRoles[stack]),
      buildNetwork: {
        subnetArns: config.buildNetwork.subnetIds.map(
          (subnet) => `arn:aws:ec2:${region}:${account}:subnet/${subnet}`,
        ),
        securityGroupArns: config.buildNetwork.securityGroupIds.map(
          (group) => `arn:aws:ec2:${region}:${account}:security-group/${group}`,
        ),
      },
    }));
  const projects = new BuildProjects(`${config.name}-builds`, {
    prefix: config.name,
    specs: buildProjectSpecs({
      repositoryUrl: repository.repositoryUrl,
      repositoryName: config.ecr.repositoryName,
      npmAuditLevel: config.npmAuditLevel,
      imageFindingsThreshold: config.imageFindingsThreshold,
      stagingStacks: config.stagingStacks,
      productionStacks: config.productionStacks,
    }),
    arns,
    keyArn: key.arn,
    scanType: config.ecr.scanType,
    network: config.buildNetwork,
    tags,
  });
  const source = config.source;
  const codeCommitArn = accountId.apply((account) =>
    source.kind === "codecommit"
      ? `arn:aws:codecommit:${region}:${account}:${source.repositoryName}`
      : "",
  );
  const sourceArn: pulumi.Output<SourceArn> =
    source.kind === "codestar-connection"
      ? pulumi.output({ kind: source.kind, connectionArn: source.connectionArn })
      : codeCommitArn.apply((repositoryArn): SourceArn => ({ kind: "codecommit", repositoryArn }));
  const pipelineName = `${config.name}-release`;
  const pipeline = new ReleasePipeline(`${config.name}-pipeline`, {
    pipelineName,
    stages: notifications.topicArn.apply((topicArn) => ({
      source,
      projects: projects.names,
      stagingStacks: config.stagingStacks,
      productionStacks: config.productionStacks,
      manualApproval: config.manualApproval,
      topicArn,
    })),
    arns,
    source: sourceArn,
    projectArns: projects.arns,
    artifactsBucket: artifacts.bucketName,
    keyArn: key.arn,
    ...(source.kind === "codecommit"
      ? { codeCommit: { repositoryArn: codeCommitArn, branch: source.branch } }
      : {}),
    tags,
  });
  notifications.watchPipeline(`${config.name}-pipeline-events`, pipelineName, pipeline.arn);
  const dashboard = new ReleaseDashboard(`${config.name}-releases`, {
    region,
    dashboardName: `${config.name}-releases`,
  });
  return {
    target: "control",
    repositoryUrl: repository.repositoryUrl,
    artifactsBucket: artifacts.bucketName,
    stateBucket: state.bucketName,
    backendUrl,
    secretsProvider: `awskms://${key.aliasName}`,
    pipelineName: pipeline.name,
    topicArn: notifications.topicArn,
    dashboardName: dashboard.dashboardName,
  };
}
