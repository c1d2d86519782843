import type * as pulumi from "@pulumi/pulumi";

/**
 * The pipeline's CodeBuild projects as plain data: what each runs (a buildspec committed in
 * the repository), on which image, and with which variables. Pure, so tests read it directly.
 */

export const BUILD_PROJECT_KINDS = [
  "unit-tests",
  "security-scan",
  "container-build",
  "infra-validation",
  "deploy",
] as const;
export type BuildProjectKind = (typeof BUILD_PROJECT_KINDS)[number];

/** The four projects of the Build stage, run in parallel. */
export const BUILD_STAGE_PROJECTS: readonly BuildProjectKind[] = [
  "unit-tests",
  "security-scan",
  "container-build",
  "infra-validation",
];

/**
 * The buildspec of each project, relative to the repository root. The deploy project runs the
 * driver's own buildspec.yml (plan, deploy, resume), the one a team copies for CodeBuild.
 */
export const BUILDSPECS: Readonly<Record<BuildProjectKind, string>> = {
  "unit-tests": "buildspecs/unit-tests.yml",
  "security-scan": "buildspecs/security-scan.yml",
  "container-build": "buildspecs/container-build.yml",
  "infra-validation": "buildspecs/infra-validation.yml",
  deploy: "buildspec.yml",
};

/**
 * AWS's curated Ubuntu image, with Node.js 20 among its runtimes and Docker (CodeBuild User
 * Guide, "Docker images provided by CodeBuild"); Ubuntu, because `npm run toolchain` installs
 * HAProxy with apt-get.
 */
export const BUILD_IMAGE = "aws/codebuild/standard:7.0";

export interface BuildVariable {
  readonly name: string;
  /** Plain text: never a secret (secrets come from Parameter Store or Secrets Manager). */
  readonly value: pulumi.Input<string>;
  readonly type: "PLAINTEXT";
}

export interface ProjectInputs {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`. */
  readonly repositoryUrl: pulumi.Input<string>;
  readonly repositoryName: string;
  readonly npmAuditLevel: string;
  readonly imageFindingsThreshold: string;
  readonly stagingStacks: readonly string[];
  readonly productionStacks: readonly string[];
}

function vars(values: Record<string, pulumi.Input<string>>): BuildVariable[] {
  return Object.entries(values).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
}

export interface BuildProjectSpec {
  readonly kind: BuildProjectKind;
  readonly description: string;
  readonly buildspec: string;
  /** Docker in the build container: only the container build needs it. */
  readonly privilegedMode: boolean;
  /** Minutes before CodeBuild stops the build. */
  readonly timeoutMinutes: number;
  /** One driver at a time (the fleet lock would refuse a second one anyway). */
  readonly concurrentBuildLimit?: number;
  /**
   * Runs in the build network: it reaches the clusters' private API endpoints and internal
   * ALBs (the engine's updates and previews, the driver's gates). Default false.
   */
  readonly inBuildNetwork?: boolean;
  readonly variables: BuildVariable[];
}

/** Pure: every project of the pipeline, in BUILD_PROJECT_KINDS order. */
export function buildProjectSpecs(inputs: ProjectInputs): BuildProjectSpec[] {
  return BUILD_PROJECT_KINDS.map((kind) => specOf(kind, inputs));
}

function specOf(kind: BuildProjectKind, inputs: ProjectInputs): BuildProjectSpec {
  const base = { kind, buildspec: BUILDSPECS[kind], privilegedMode: false, timeoutMinutes: 30 };
  switch (kind) {
    case "unit-tests":
      return {
        ...base,
        description: "Unit tests under strict mocks (engine tests skipped), lint and typecheck.",
        variables: vars({ OUTPOST_FLEET_SKIP_ENGINE_TESTS: "1" }),
      };
    case "security-scan":
      return {
        ...base,
        description: "npm audit, then the ECR scan findings of the release image.",
        variables: vars({
          NPM_AUDIT_LEVEL: inputs.npmAuditLevel,
          IMAGE_REPOSITORY_NAME: inputs.repositoryName,
          IMAGE_FINDINGS_THRESHOLD: inputs.imageFindingsThreshold,
        }),
      };
    case "container-build":
      return {
        ...base,
        description: "Builds the app image and pushes <repository>:<release> (tags are immutable).",
        privilegedMode: true,
        variables: vars({ IMAGE_REPOSITORY_URI: inputs.repositoryUrl }),
      };
    case "infra-validation":
      return {
        ...base,
        description:
          "pulumi preview --policy-pack policies of every fleet stack, with the driver's policy config.",
        // The Kubernetes provider previews against each cluster's private endpoint.
        inBuildNetwork: true,
        variables: vars({
          STAGING_STACKS: inputs.stagingStacks.join(","),
          PRODUCTION_STACKS: inputs.productionStacks.join(","),
        }),
      };
    case "deploy":
      return {
        ...base,
        description:
          "The driver: outpost-fleet deploy --release $RELEASE on the stacks it is given.",
        timeoutMinutes: 480,
        concurrentBuildLimit: 1,
        inBuildNetwork: true,
        variables: vars({
          OUTPOST_FLEET_COMMAND: "plan",
          OUTPOST_FLEET_METRICS: "cloudwatch",
        }),
      };
  }
}
