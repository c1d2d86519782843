import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "../aws/fleet-iam";
import { Tags } from "../aws/tags";
import { BuildProjectKind, BUILD_IMAGE, BuildProjectSpec } from "./build-specs";
import { buildProjectPolicy, CODEBUILD_SERVICE, ControlArns, ImageScanType } from "./pipeline-iam";

export interface BuildProjectsArgs {
  /** `<name>-<kind>` names each project and its role. */
  readonly prefix: string;
  /** What each project runs (buildProjectSpecs). */
  readonly specs: readonly BuildProjectSpec[];
  /** The ARNs the roles' documents name. */
  readonly arns: pulumi.Input<ControlArns>;
  readonly keyArn: pulumi.Input<string>;
  /** How ECR scans the release image: the findings' readers get what that type needs. */
  readonly scanType: ImageScanType;
  /** The VPC the projects marked inBuildNetwork run in. */
  readonly network: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly securityGroupIds: readonly string[];
  };
  readonly tags: Tags;
}

/**
 * The pipeline's CodeBuild projects, each with its own service role (only what its job
 * needs: buildProjectPolicy), its logs in CloudWatch, its artifacts encrypted with the
 * control key, and its buildspec from the repository.
 */
export class BuildProjects extends pulumi.ComponentResource {
  readonly names: Readonly<Record<BuildProjectKind, string>>;
  readonly arns: pulumi.Output<string>[];

  constructor(name: string, args: BuildProjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("outpost-fleet:control:BuildProjects", name, {}, opts);
    const parent = { parent: this };
    const names = {} as Record<BuildProjectKind, string>;
    this.arns = args.specs.map((spec) => {
      const projectName = `${args.prefix}-${spec.kind}`;
      names[spec.kind] = projectName;
      const role = new aws.iam.Role(
        `${name}-${spec.kind}-role`,
        { assumeRolePolicy: JSON.stringify(assumeRolePolicy(CODEBUILD_SERVICE)), tags: args.tags },
        parent,
      );
      const policy = new aws.iam.RolePolicy(
        `${name}-${spec.kind}-policy`,
        {
          role: role.name,
          policy: pulumi
            .output(args.arns)
            .apply((arns) =>
              JSON.stringify(
                buildProjectPolicy(spec.kind, projectName, arns as ControlArns, args.scanType),
              ),
            ),
        },
        parent,
      );
      const project = new aws.codebuild.Project(
        `${name}-${spec.kind}`,
        {
          name: projectName,
          description: spec.description,
          serviceRole: role.arn,
          encryptionKey: args.keyArn,
          buildTimeout: spec.timeoutMinutes,
          ...(spec.concurrentBuildLimit !== undefined
            ? { concurrentBuildLimit: spec.concurrentBuildLimit }
            : {}),
          source: { type: "CODEPIPELINE", buildspec: spec.buildspec },
          artifacts: { type: "CODEPIPELINE" },
          environment: {
            type: "LINUX_CONTAINER",
            computeType: "BUILD_GENERAL1_MEDIUM",
            image: BUILD_IMAGE,
            imagePullCredentialsType: "CODEBUILD",
            privilegedMode: spec.privilegedMode,
            environmentVariables: spec.variables.map((v) => ({ ...v })),
          },
          logsConfig: { cloudwatchLogs: { status: "ENABLED" } },
          // CodeBuild User Guide, "Use CodeBuild with Amazon Virtual Private Cloud":
          // https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html
          vpcConfig: spec.inBuildNetwork
            ? {
                vpcId: args.network.vpcId,
                subnets: [...args.network.subnetIds],
                securityGroupIds: [...args.network.securityGroupIds],
              }
            : undefined,
          tags: args.tags,
        },
        // CodeBuild checks the role (and, in a VPC, its ENI permissions) when the project is
        // created: it waits for its policy.
        { parent: this, dependsOn: [policy] },
      );
      return project.arn;
    });
    this.names = names;
    this.registerOutputs({ names: this.names });
  }
}
