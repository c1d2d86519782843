/**
 * The control plane's IAM documents as plain data (like infra/aws/fleet-iam.ts), so tests
 * read exactly what each role, the key and the topic grant. Every Allow names its resources;
 * `*` appears only on calls IAM cannot scope (ecr:GetAuthorizationToken) or under a condition
 * (cloudwatch:PutMetricData, limited to the release namespace).
 */
import type { PolicyDocument, PolicyStatement } from "../aws/iam-types";
import { BuildProjectKind } from "./build-specs";
import { RELEASE_METRICS_NAMESPACE } from "./release-metric-names";

export const CODEBUILD_SERVICE = "codebuild.amazonaws.com";
export const CODEPIPELINE_SERVICE = "codepipeline.amazonaws.com";
export const EVENTS_SERVICE = "events.amazonaws.com";
export const CODESTAR_NOTIFICATIONS_SERVICE = "codestar-notifications.amazonaws.com";

/** ARNs the control plane's documents name; all known at preview. */
export interface ControlArns {
  readonly region: string;
  readonly accountId: string;
  readonly keyArn: string;
  readonly artifactsBucketArn: string;
  readonly stateBucketArn: string;
  readonly repositoryArn: string;
  readonly topicArn: string;
  /** The SSM parameter holding the Pulumi backend URL (buildspec.yml reads it). */
  readonly backendUrlParameterArn: string;
  /** The deploy role of every pipeline stack, from config: exactly these may be assumed. */
  readonly deployRoleArns: readonly string[];
  /** The build network's subnets and security group: where the VPC projects' ENIs go. */
  readonly buildNetwork: {
    readonly subnetArns: readonly string[];
    readonly securityGroupArns: readonly string[];
  };
}

/** Where the pipeline takes its source from, as an ARN. */
export type SourceArn =
  | { readonly kind: "codestar-connection"; readonly connectionArn: string }
  | { readonly kind: "codecommit"; readonly repositoryArn: string };

export function projectLogGroupArn(arns: ControlArns, projectName: string): string {
  return `arn:aws:logs:${arns.region}:${arns.accountId}:log-group:/aws/codebuild/${projectName}`;
}

const KEY_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

function artifactStatements(arns: ControlArns): PolicyStatement[] {
  return [
    {
      Sid: "PipelineArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
      Resource: `${arns.artifactsBucketArn}/*`,
    },
    {
      Sid: "PipelineArtifactsBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"],
      Resource: arns.artifactsBucketArn,
    },
    // Artifacts, logs and the state are encrypted with the control plane's key.
    { Sid: "ControlKey", Effect: "Allow", Action: KEY_USE, Resource: arns.keyArn },
  ];
}

/** The driver's state: the Pulumi backend, and the journal and lock beside it. */
function stateStatements(arns: ControlArns): PolicyStatement[] {
  return [
    {
      Sid: "DriverState",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
      Resource: `${arns.stateBucketArn}/*`,
    },
    {
      Sid: "DriverStateBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: arns.stateBucketArn,
    },
    {
      Sid: "BackendUrl",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters"],
      Resource: arns.backendUrlParameterArn,
    },
    {
      Sid: "AssumeStackDeployRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: [...arns.deployRoleArns],
    },
  ];
}

/**
 * A VPC build's network interface: CodeBuild creates it in the project's subnets with the
 * project's role, and hands it to its own account with CreateNetworkInterfacePermission, which
 * AWS documents scoped by ec2:Subnet and ec2:AuthorizedService (CodeBuild User Guide, "Allow
 * CodeBuild access to AWS services required to create a VPC network interface":
 * https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface).
 * Create and Delete take the interface, subnet and security-group ARNs (Service Authorization
 * Reference, Amazon EC2), so they are scoped to the build network instead of AWS's "*".
 */
function buildNetworkStatements(arns: ControlArns): PolicyStatement[] {
  const interfaces = `arn:aws:ec2:${arns.region}:${arns.accountId}:network-interface/*`;
  const { subnetArns, securityGroupArns } = arns.buildNetwork;
  return [
    {
      Sid: "BuildNetworkReads",
      Effect: "Allow",
      Action: [
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      Resource: "*",
    },
    {
      Sid: "BuildNetworkInterfaces",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
      Resource: [interfaces, ...subnetArns, ...securityGroupArns],
    },
    {
      Sid: "BuildNetworkInterfacePermission",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterfacePermission",
      Resource: interfaces,
      Condition: {
        StringEquals: {
          "ec2:Subnet": [...subnetArns],
          "ec2:AuthorizedService": CODEBUILD_SERVICE,
        },
      },
    },
  ];
}

/** How ECR scans the release image (control config `ecr.scanType`). */
export type ImageScanType = "basic" | "enhanced";

/**
 * With enhanced scanning the findings come from Amazon Inspector, and whoever reads them needs
 * Inspector's list calls besides ECR's (ECR User Guide, "IAM permissions required for enhanced
 * scanning": https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
 * They take no resource ARN (Service Authorization Reference, Amazon Inspector2). Basic
 * scanning needs ecr:DescribeImageScanFindings only (the repository statements). Enabling
 * Inspector is the stack's deployer's job, not a build's.
 */
function inspectorFindingsStatements(scanType: ImageScanType): PolicyStatement[] {
  if (scanType === "basic") return [];
  return [
    {
      Sid: "InspectorImageFindings",
      Effect: "Allow",
      Action: ["inspector2:ListCoverage", "inspector2:ListFindings"],
      Resource: "*",
    },
  ];
}

/** What each build project may do beyond its logs and the pipeline's artifacts. */
function projectStatements(
  kind: BuildProjectKind,
  arns: ControlArns,
  scanType: ImageScanType,
): PolicyStatement[] {
  switch (kind) {
    case "unit-tests":
      return [];
    case "security-scan":
      return [
        {
          Sid: "ImageScanFindings",
          Effect: "Allow",
          Action: ["ecr:DescribeImages", "ecr:DescribeImageScanFindings"],
          Resource: arns.repositoryArn,
        },
        ...inspectorFindingsStatements(scanType),
      ];
    case "container-build":
      return [
        {
          // GetAuthorizationToken has no resource-level permissions (ECR User Guide,
          // "Private registry authentication"): it is a read of the caller's own token.
          Sid: "RegistryLogin",
          Effect: "Allow",
          Action: "ecr:GetAuthorizationToken",
          Resource: "*",
        },
        {
          Sid: "PushReleaseImage",
          Effect: "Allow",
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
          ],
          Resource: arns.repositoryArn,
        },
      ];
    case "infra-validation":
      return [...stateStatements(arns), ...buildNetworkStatements(arns)];
    case "deploy":
      return [
        ...stateStatements(arns),
        ...buildNetworkStatements(arns),
        {
          // PutMetricData has no resource-level permissions; the namespace condition scopes it
          // (CloudWatch User Guide, "Using condition keys to limit access to CloudWatch namespaces").
          Sid: "ReleaseMetrics",
          Effect: "Allow",
          Action: "cloudwatch:PutMetricData",
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": RELEASE_METRICS_NAMESPACE } },
        },
        {
          Sid: "ReleaseEvents",
          Effect: "Allow",
          Action: "sns:Publish",
          Resource: arns.topicArn,
        },
        {
          // The staging test gates' ECR scan gate (automation/gates/ecr-scan-gate.ts) reads the
          // release image's findings in wave 0; DescribeImageScanFindings takes a repository ARN
          // (ECR User Guide, "Amazon ECR resource-level permissions").
          Sid: "ReleaseImageScan",
          Effect: "Allow",
          Action: "ecr:DescribeImageScanFindings",
          Resource: arns.repositoryArn,
        },
        ...inspectorFindingsStatements(scanType),
      ];
  }
}

/** The service role of one build project: its own log group, the artifacts, and its job. */
export function buildProjectPolicy(
  kind: BuildProjectKind,
  projectName: string,
  arns: ControlArns,
  scanType: ImageScanType = "basic",
): PolicyDocument {
  const logGroup = projectLogGroupArn(arns, projectName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BuildLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [logGroup, `${logGroup}:*`],
      },
      ...artifactStatements(arns),
      ...projectStatements(kind, arns, scanType),
    ],
  };
}

/** The pipeline's role: its source, its artifacts, its projects, and the approval topic. */
export function pipelinePolicy(
  arns: ControlArns,
  source: SourceArn,
  projectArns: readonly string[],
): PolicyDocument {
  const sourceStatement: PolicyStatement =
    source.kind === "codestar-connection"
      ? {
          // Connections made before the CodeConnections rename answer to either prefix.
          Sid: "SourceConnection",
          Effect: "Allow",
          Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
          Resource: source.connectionArn,
        }
      : {
          Sid: "SourceRepository",
          Effect: "Allow",
          Action: [
            "codecommit:CancelUploadArchive",
            "codecommit:GetBranch",
            "codecommit:GetCommit",
            "codecommit:GetUploadArchiveStatus",
            "codecommit:UploadArchive",
          ],
          Resource: source.repositoryArn,
        };
  return {
    Version: "2012-10-17",
    Statement: [
      sourceStatement,
      ...artifactStatements(arns),
      {
        Sid: "RunBuildProjects",
        Effect: "Allow",
        Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
        Resource: [...projectArns],
      },
      {
        Sid: "ApprovalNotifications",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: arns.topicArn,
      },
    ],
  };
}

/** EventBridge starts the pipeline on a CodeCommit push: exactly this pipeline. */
export function startPipelinePolicy(pipelineArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StartReleasePipeline",
        Effect: "Allow",
        Action: "codepipeline:StartPipelineExecution",
        Resource: pipelineArn,
      },
    ],
  };
}

/**
 * The control key's policy. In a key policy, Resource "*" is the key itself. The account's
 * IAM policies decide who uses it (the default key policy's root statement); CodeStar
 * Notifications may use it only through SNS, to publish to the encrypted topic (SNS Developer
 * Guide, "Enable compatibility between event sources from AWS services and encrypted topics").
 */
export function controlKeyPolicy(accountId: string, region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CodeStarNotificationsThroughSns",
        Effect: "Allow",
        Principal: { Service: CODESTAR_NOTIFICATIONS_SERVICE },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * The release topic's policy: CodeStar Notifications may publish (Developer Tools console
 * User Guide, "Configure Amazon SNS topics for notifications"), and nobody over plain HTTP.
 */
export function releaseTopicPolicy(topicArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CodeStarNotificationsPublish",
        Effect: "Allow",
        Principal: { Service: CODESTAR_NOTIFICATIONS_SERVICE },
        Action: "sns:Publish",
        Resource: topicArn,
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
