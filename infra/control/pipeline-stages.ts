/**
 * The release pipeline's stages as plain data: Source, Build (four projects in parallel),
 * Test (the driver on the staging stacks), Approval (when config asks for it), Deploy (the
 * driver on the production stacks). Pure, so tests and the pipeline-stage-order policy agree.
 */
import { BUILD_STAGE_PROJECTS, BuildProjectKind } from "./build-specs";

/** The artifact every action works on: the commit's source. */
export const SOURCE_ARTIFACT = "source";
/** The container build's namespace: its exported RELEASE names the release downstream. */
export const RELEASE_NAMESPACE = "ContainerBuild";
export const RELEASE_VARIABLE = `#{${RELEASE_NAMESPACE}.RELEASE}`;

export type StageSource =
  | {
      readonly kind: "codestar-connection";
      readonly connectionArn: string;
      readonly repository: string;
      readonly branch: string;
    }
  | { readonly kind: "codecommit"; readonly repositoryName: string; readonly branch: string };

export interface StageInputs {
  readonly source: StageSource;
  /** Project name by kind. */
  readonly projects: Readonly<Record<BuildProjectKind, string>>;
  readonly stagingStacks: readonly string[];
  readonly productionStacks: readonly string[];
  readonly manualApproval: boolean;
  /** Where the approval request is announced. */
  readonly topicArn: string;
}

export interface StageAction {
  readonly name: string;
  readonly category: "Source" | "Build" | "Test" | "Approval";
  readonly owner: "AWS";
  readonly provider: string;
  readonly version: "1";
  readonly runOrder: number;
  readonly configuration: Record<string, string>;
  readonly inputArtifacts?: string[];
  readonly outputArtifacts?: string[];
  readonly namespace?: string;
}

export interface Stage {
  readonly name: string;
  readonly actions: StageAction[];
}

const ACTION_NAMES: Readonly<Record<BuildProjectKind, string>> = {
  "unit-tests": "UnitTests",
  "security-scan": "SecurityScan",
  "container-build": "ContainerBuild",
  "infra-validation": "InfraValidation",
  deploy: "Deploy",
};

function sourceAction(source: StageSource): StageAction {
  const common = {
    name: "Source",
    category: "Source" as const,
    owner: "AWS" as const,
    version: "1" as const,
    runOrder: 1,
    outputArtifacts: [SOURCE_ARTIFACT],
  };
  if (source.kind === "codestar-connection") {
    return {
      ...common,
      provider: "CodeStarSourceConnection",
      configuration: {
        ConnectionArn: source.connectionArn,
        FullRepositoryId: source.repository,
        BranchName: source.branch,
        OutputArtifactFormat: "CODE_ZIP",
        DetectChanges: "true",
      },
    };
  }
  // Change detection by an EventBridge rule (ReleasePipeline), not by polling.
  return {
    ...common,
    provider: "CodeCommit",
    configuration: {
      RepositoryName: source.repositoryName,
      BranchName: source.branch,
      PollForSourceChanges: "false",
    },
  };
}

/** The driver's deploy project, told which release and which stacks (buildspec.yml). */
function driverAction(
  name: string,
  category: "Test" | "Build",
  project: string,
  stacks: readonly string[],
): StageAction {
  return {
    name,
    category,
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    runOrder: 1,
    inputArtifacts: [SOURCE_ARTIFACT],
    configuration: {
      ProjectName: project,
      EnvironmentVariables: JSON.stringify([
        { name: "OUTPOST_FLEET_COMMAND", value: "deploy", type: "PLAINTEXT" },
        { name: "RELEASE", value: RELEASE_VARIABLE, type: "PLAINTEXT" },
        { name: "OUTPOST_FLEET_STACKS", value: stacks.join(","), type: "PLAINTEXT" },
      ]),
    },
  };
}

/** Pure: the pipeline's stages, in order. */
export function pipelineStages(inputs: StageInputs): Stage[] {
  const build: Stage = {
    name: "Build",
    // The same runOrder: CodePipeline runs them in parallel.
    actions: BUILD_STAGE_PROJECTS.map((kind) => ({
      name: ACTION_NAMES[kind],
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      runOrder: 1,
      inputArtifacts: [SOURCE_ARTIFACT],
      configuration: { ProjectName: inputs.projects[kind] },
      ...(kind === "container-build" ? { namespace: RELEASE_NAMESPACE } : {}),
    })),
  };
  const approval: Stage = {
    name: "Approval",
    actions: [
      {
        name: "ApproveProduction",
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
        runOrder: 1,
        configuration: {
          NotificationArn: inputs.topicArn,
          CustomData: `Release ${RELEASE_VARIABLE} passed the staging stacks (${inputs.stagingStacks.join(", ")}); approve to roll it out to ${inputs.productionStacks.join(", ")}.`,
        },
      },
    ],
  };
  return [
    { name: "Source", actions: [sourceAction(inputs.source)] },
    build,
    {
      name: "Test",
      actions: [
        driverAction("StagingRollout", "Test", inputs.projects.deploy, inputs.stagingStacks),
      ],
    },
    ...(inputs.manualApproval ? [approval] : []),
    {
      name: "Deploy",
      actions: [
        driverAction("ProductionRollout", "Build", inputs.projects.deploy, inputs.productionStacks),
      ],
    },
  ];
}
