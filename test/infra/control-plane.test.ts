/**
 * The control-plane stack (infra/control, Pulumi.control.yaml) under strict mocks: every
 * resource by type, name and inputs; the pipeline's stages in order; the buildspecs it runs;
 * its config errors; and every IAM document it grants.
 */
import Ajv from "ajv";
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  ConfigValidationError,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { BUILD_PROJECT_KINDS, BUILDSPECS } from "../../infra/control/build-specs";
import { loadControlConfig } from "../../infra/control/control-config";
import { releaseDashboardBody } from "../../infra/control/release-dashboard";
import { discoverStacks } from "../../automation/fleet/stack-discovery";
import { PROJECT_ROOT } from "../../infra/config/stack-file";
import { recordStack, RecordedResource } from "../support/record-stack";
import { unwrapSecrets } from "../policies/support/recorded";
import { ofType } from "./helpers";

const ACCOUNT = "111122223333";
const KEY_ARN = /^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]+$/;
const TAGS = {
  Environment: "control",
  Region: "us-east-1",
  DeploymentId: "outpost-fleet-control",
  ManagedBy: "outpost-fleet",
};

/** Resources of the example control stack, by type (custom resources only). */
const COUNTS: Record<string, number> = {
  "aws:kms/key:Key": 1,
  "aws:kms/alias:Alias": 1,
  "aws:ecr/repository:Repository": 1,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": 1,
  "aws:ecr/repositoryPolicy:RepositoryPolicy": 1,
  "aws:ecr/replicationConfiguration:ReplicationConfiguration": 1,
  "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": 2, // one per replica Region
  // Artifacts, state, and the server-access-log bucket both log into (not versioned).
  "aws:s3/bucket:Bucket": 3,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 3,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 3,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 3,
  "aws:s3/bucketVersioning:BucketVersioning": 2,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 3,
  "aws:s3/bucketPolicy:BucketPolicy": 3,
  "aws:s3/bucketLogging:BucketLogging": 2,
  "aws:ssm/parameter:Parameter": 1,
  "aws:sns/topic:Topic": 1,
  "aws:sns/topicPolicy:TopicPolicy": 1,
  "aws:iam/role:Role": 6, // five build projects and the pipeline
  "aws:iam/rolePolicy:RolePolicy": 6,
  "aws:codebuild/project:Project": 5,
  "aws:codepipeline/pipeline:Pipeline": 1,
  "aws:codestarnotifications/notificationRule:NotificationRule": 2,
  "aws:cloudwatch/dashboard:Dashboard": 1,
};

const COMPONENTS = [
  "outpost-fleet:control:ControlKey",
  "outpost-fleet:control:ReleaseRepository",
  "outpost-fleet:control:ControlBucket",
  "outpost-fleet:control:ControlBucket",
  "outpost-fleet:logging:ServerAccessLogBucket",
  "outpost-fleet:control:ReleaseNotifications",
  "outpost-fleet:control:BuildProjects",
  "outpost-fleet:control:ReleasePipeline",
  "outpost-fleet:control:ReleaseDashboard",
];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Document {
  Version: string;
  Statement: Statement[];
}

function one(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = ofType(resources, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

function documentOf(resource: RecordedResource, key = "policy"): Document {
  return JSON.parse(resource.inputs[key] as string) as Document;
}

const actions = (s: Statement) => [s.Action].flat();
const resourcesOf = (s: Statement) => [s.Resource ?? []].flat();

function controlLayer(change: (control: Record<string, unknown>) => void = () => {}): StackLayer {
  const layer = readStackFile("control");
  const control = structuredClone(layer.control) as Record<string, unknown>;
  change(control);
  return { ...layer, control };
}

function problemsOf(layer: StackLayer): { key: string; value: unknown; allowed: string }[] {
  try {
    loadControlConfig(layer);
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigValidationError");
}

describe("the control-plane stack (Pulumi.control.yaml) under strict mocks", () => {
  let resources: RecordedResource[];
  let outputs: Record<string, unknown>;
  before(async () => {
    ({ resources, outputs } = await recordStack("control", { secrets: {} }));
  });

  it("builds exactly its resources, by type, under its components", () => {
    const custom = resources.filter((r) => r.custom);
    const counts: Record<string, number> = {};
    for (const r of custom) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).to.deep.equal(COUNTS);
    expect(resources.filter((r) => !r.custom).map((r) => r.type)).to.have.members(COMPONENTS);
  });

  it("names every resource after the control plane and its component", () => {
    const names = resources
      .filter((r) => r.custom)
      .map((r) => `${r.type.split(":")[1]} ${r.name}`)
      .sort();
    const projects = BUILD_PROJECT_KINDS.flatMap((kind) => [
      `codebuild/project outpost-fleet-builds-${kind}`,
      `iam/role outpost-fleet-builds-${kind}-role`,
      `iam/rolePolicy outpost-fleet-builds-${kind}-policy`,
    ]);
    const buckets = ["artifacts", "state"].flatMap((purpose) =>
      [
        "bucket bucket",
        "bucketOwnershipControls ownership",
        "bucketServerSideEncryptionConfiguration encryption",
        "bucketPublicAccessBlock public-access",
        "bucketVersioning versioning",
        "bucketLifecycleConfiguration lifecycle",
        "bucketPolicy policy",
      ].map((entry) => {
        const [type, suffix] = entry.split(" ");
        return `s3/${type} outpost-fleet-${purpose}-${suffix}`;
      }),
    );
    expect(names).to.deep.equal(
      [
        "kms/key outpost-fleet-key-key",
        "kms/alias outpost-fleet-key-alias",
        "ecr/repository outpost-fleet-images-repository",
        "ecr/lifecyclePolicy outpost-fleet-images-lifecycle",
        "ecr/repositoryPolicy outpost-fleet-images-pull-policy",
        "ecr/replicationConfiguration outpost-fleet-images-replication",
        "ecr/repositoryCreationTemplate outpost-fleet-images-replica-eu-west-1",
        "ecr/repositoryCreationTemplate outpost-fleet-images-replica-ap-southeast-1",
        ...buckets,
        ...[
          "bucket bucket",
          "bucketOwnershipControls ownership",
          "bucketServerSideEncryptionConfiguration encryption",
          "bucketPublicAccessBlock public-access",
          "bucketLifecycleConfiguration lifecycle",
          "bucketPolicy policy",
          "bucketLogging artifacts-logging",
          "bucketLogging state-logging",
        ].map((entry) => {
          const [type, suffix] = entry.split(" ");
          return `s3/${type} outpost-fleet-s3-access-logs-${suffix}`;
        }),
        "ssm/parameter outpost-fleet-backend-url",
        "sns/topic outpost-fleet-notifications-topic",
        "sns/topicPolicy outpost-fleet-notifications-topic-policy",
        "codestarnotifications/notificationRule outpost-fleet-pipeline-events-executions",
        "codestarnotifications/notificationRule outpost-fleet-pipeline-events-approvals",
        ...projects,
        "codepipeline/pipeline outpost-fleet-pipeline-pipeline",
        "iam/role outpost-fleet-pipeline-role",
        "iam/rolePolicy outpost-fleet-pipeline-policy",
        "cloudwatch/dashboard outpost-fleet-releases-dashboard",
      ].sort(),
    );
    // Each role policy is attached to its own role.
    for (const policy of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
      expect(policy.inputs.role, policy.name).to.equal(policy.name.replace(/-policy$/, "-role"));
    }
  });

  it("tags every taggable resource with the control plane's tags", () => {
    for (const r of resources.filter((x) => x.custom && "tags" in x.inputs)) {
      expect(r.inputs.tags, `${r.type} ${r.name}`).to.deep.equal(TAGS);
    }
    const untagged = resources
      .filter((r) => r.custom && !("tags" in r.inputs))
      .map((r) => r.type.split(":")[1]);
    // Types without tags in the provider (companions, policies, aliases).
    expect(new Set(untagged)).to.deep.equal(
      new Set([
        "kms/alias",
        "ecr/lifecyclePolicy",
        "ecr/repositoryPolicy",
        "ecr/replicationConfiguration",
        "ecr/repositoryCreationTemplate",
        "s3/bucketOwnershipControls",
        "s3/bucketServerSideEncryptionConfiguration",
        "s3/bucketPublicAccessBlock",
        "s3/bucketVersioning",
        "s3/bucketLifecycleConfiguration",
        "s3/bucketPolicy",
        "s3/bucketLogging",
        "sns/topicPolicy",
        "iam/rolePolicy",
        "cloudwatch/dashboard",
      ]),
    );
  });

  it("outputs where things are: image, buckets, backend, secrets provider, pipeline, topic", () => {
    expect(outputs).to.deep.equal({
      target: "control",
      repositoryUrl: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/storefront`,
      artifactsBucket: `outpost-fleet-artifacts-${ACCOUNT}`,
      stateBucket: `outpost-fleet-state-${ACCOUNT}`,
      backendUrl: `s3://outpost-fleet-state-${ACCOUNT}?region=us-east-1`,
      secretsProvider: "awskms://alias/outpost-fleet",
      pipelineName: "outpost-fleet-release",
      topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:outpost-fleet-releases`,
      dashboardName: "outpost-fleet-releases",
    });
  });

  describe("the control key", () => {
    it("rotates, and lets CodeStar Notifications use it only through SNS", () => {
      const key = one(resources, "aws:kms/key:Key", "outpost-fleet-key-key");
      expect(key.inputs).to.deep.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
      const policy = documentOf(key);
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "AccountIamPolicies",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CodeStarNotificationsThroughSns",
          Effect: "Allow",
          Principal: { Service: "codestar-notifications.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com" } },
        },
      ]);
      const alias = one(resources, "aws:kms/alias:Alias", "outpost-fleet-key-alias");
      expect(alias.inputs.name).to.equal("alias/outpost-fleet");
      expect(alias.inputs.targetKeyId).to.be.a("string");
    });
  });

  describe("the release repository", () => {
    it("scans on push, keeps tags immutable, is KMS-encrypted, and never force-deletes", () => {
      const repo = one(
        resources,
        "aws:ecr/repository:Repository",
        "outpost-fleet-images-repository",
      );
      expect(repo.inputs).to.deep.include({
        name: "storefront",
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        forceDelete: false,
      });
      const [encryption] = repo.inputs.encryptionConfigurations as { kmsKey: string }[];
      expect(encryption).to.include({ encryptionType: "KMS" });
      expect(encryption.kmsKey).to.match(KEY_ARN);
    });

    it("expires untagged images, keeps the newest releases", () => {
      const lifecycle = one(
        resources,
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "outpost-fleet-images-lifecycle",
      );
      expect(lifecycle.inputs.repository).to.equal("storefront");
      const policy = JSON.parse(lifecycle.inputs.policy as string) as {
        rules: { rulePriority: number; selection: Record<string, unknown> }[];
      };
      expect(policy.rules.map((r) => [r.rulePriority, r.selection])).to.deep.equal([
        [
          1,
          {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 14,
          },
        ],
        [2, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 }],
      ]);
    });

    it("replicates to every other Region of the fleet, in this account", () => {
      const replication = one(
        resources,
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        "outpost-fleet-images-replication",
      );
      expect(replication.inputs).to.deep.equal({
        replicationConfiguration: {
          rules: [
            {
              destinations: [
                { region: "eu-west-1", registryId: ACCOUNT },
                { region: "ap-southeast-1", registryId: ACCOUNT },
              ],
              repositoryFilters: [{ filter: "storefront", filterType: "PREFIX_MATCH" }],
            },
          ],
        },
      });
    });

    it("gives the replicas immutable tags, KMS, the lifecycle and the pull policy, through each Region's template", () => {
      const lifecycle = one(
        resources,
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "outpost-fleet-images-lifecycle",
      ).inputs.policy;
      const pull = one(
        resources,
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "outpost-fleet-images-pull-policy",
      ).inputs.policy;
      for (const region of ["eu-west-1", "ap-southeast-1"]) {
        expect(
          one(
            resources,
            "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
            `outpost-fleet-images-replica-${region}`,
          ).inputs,
        ).to.deep.equal({
          region,
          prefix: "ROOT",
          appliedFors: ["REPLICATION"],
          description: "Replicas of storefront from us-east-1",
          imageTagMutability: "IMMUTABLE",
          encryptionConfigurations: [{ encryptionType: "KMS" }],
          lifecyclePolicy: lifecycle,
          repositoryPolicy: pull,
        });
      }
    });
  });

  describe("the artifacts and state buckets", () => {
    for (const [purpose, lifecycle] of [
      [
        "artifacts",
        {
          id: "expire-artifacts",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: 90 },
          noncurrentVersionExpiration: { noncurrentDays: 7 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
      [
        "state",
        {
          id: "expire-replaced-state",
          status: "Enabled",
          filter: { prefix: "" },
          noncurrentVersionExpiration: { noncurrentDays: 90 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    ] as const) {
      it(`${purpose}: versioned, SSE-KMS with the control key, private, TLS only, with a lifecycle`, () => {
        const name = `outpost-fleet-${purpose}`;
        const id = `outpost-fleet-${purpose}-${ACCOUNT}`;
        expect(one(resources, "aws:s3/bucket:Bucket", `${name}-bucket`).inputs).to.deep.equal({
          bucket: id,
          forceDestroy: false,
          tags: TAGS,
        });
        const encryption = one(
          resources,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          `${name}-encryption`,
        ).inputs as { bucket: string; rules: Record<string, unknown>[] };
        expect(encryption.bucket).to.equal(id);
        const [rule] = encryption.rules as {
          applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
          bucketKeyEnabled: boolean;
        }[];
        expect(rule.bucketKeyEnabled).to.equal(true);
        expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
        expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).to.match(KEY_ARN);
        expect(
          one(
            resources,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            `${name}-public-access`,
          ).inputs,
        ).to.deep.equal({
          bucket: id,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
        expect(
          one(
            resources,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            `${name}-ownership`,
          ).inputs,
        ).to.deep.equal({ bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } });
        expect(
          one(resources, "aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`).inputs,
        ).to.deep.equal({ bucket: id, versioningConfiguration: { status: "Enabled" } });
        expect(
          one(
            resources,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            `${name}-lifecycle`,
          ).inputs,
        ).to.deep.equal({ bucket: id, rules: [lifecycle] });
        const policy = one(resources, "aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`);
        expect(policy.inputs.bucket).to.equal(id);
        expect(documentOf(policy).Statement).to.deep.equal([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${id}`, `arn:aws:s3:::${id}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]);
      });
    }

    it("the backend URL is in the Parameter Store entry buildspec.yml reads", () => {
      const parameter = one(resources, "aws:ssm/parameter:Parameter", "outpost-fleet-backend-url");
      expect(unwrapSecrets(parameter.inputs)).to.deep.include({
        name: "/outpost-fleet/pulumi-backend-url",
        type: "String",
        value: `s3://outpost-fleet-state-${ACCOUNT}?region=us-east-1`,
      });
      const buildspec = parse(
        fs.readFileSync(path.join(PROJECT_ROOT, "buildspec.yml"), "utf8"),
      ) as {
        env: { "parameter-store": Record<string, string> };
      };
      expect(buildspec.env["parameter-store"].PULUMI_BACKEND_URL).to.equal(parameter.inputs.name);
    });
  });

  describe("the build projects", () => {
    const expected = {
      "unit-tests": { privileged: false, vars: { OUTPOST_FLEET_SKIP_ENGINE_TESTS: "1" } },
      "security-scan": {
        privileged: false,
        vars: {
          NPM_AUDIT_LEVEL: "high",
          IMAGE_REPOSITORY_NAME: "storefront",
          IMAGE_FINDINGS_THRESHOLD: "HIGH",
        },
      },
      "container-build": {
        privileged: true,
        vars: { IMAGE_REPOSITORY_URI: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/storefront` },
      },
      "infra-validation": {
        privileged: false,
        vars: {
          STAGING_STACKS: "staging-us,staging-eu,staging-apac",
          PRODUCTION_STACKS: "us,eu,apac",
        },
      },
      deploy: {
        privileged: false,
        vars: { OUTPOST_FLEET_COMMAND: "plan", OUTPOST_FLEET_METRICS: "cloudwatch" },
      },
    } as const;

    for (const kind of BUILD_PROJECT_KINDS) {
      it(`${kind}: its buildspec from the repository, its own role, encrypted, logged`, () => {
        const project = one(
          resources,
          "aws:codebuild/project:Project",
          `outpost-fleet-builds-${kind}`,
        );
        const inputs = project.inputs as Record<string, unknown> & {
          environment: Record<string, unknown> & {
            environmentVariables: { name: string; value: string; type: string }[];
          };
        };
        expect(inputs.name).to.equal(`outpost-fleet-${kind}`);
        expect(inputs.serviceRole).to.equal(
          `arn:aws:iam::${ACCOUNT}:role/outpost-fleet-builds-${kind}-role`,
        );
        expect(inputs.encryptionKey).to.match(KEY_ARN);
        expect(inputs.source).to.deep.equal({ type: "CODEPIPELINE", buildspec: BUILDSPECS[kind] });
        expect(inputs.artifacts).to.deep.equal({ type: "CODEPIPELINE" });
        expect(inputs.logsConfig).to.deep.equal({ cloudwatchLogs: { status: "ENABLED" } });
        expect(inputs.environment).to.deep.include({
          type: "LINUX_CONTAINER",
          computeType: "BUILD_GENERAL1_MEDIUM",
          image: "aws/codebuild/standard:7.0",
          imagePullCredentialsType: "CODEBUILD",
          privilegedMode: expected[kind].privileged,
        });
        expect(
          Object.fromEntries(inputs.environment.environmentVariables.map((v) => [v.name, v.value])),
        ).to.deep.equal(expected[kind].vars);
        expect(
          inputs.environment.environmentVariables.every((v) => v.type === "PLAINTEXT"),
        ).to.equal(true);
        expect(inputs.buildTimeout).to.equal(kind === "deploy" ? 480 : 30);
        expect(inputs.concurrentBuildLimit).to.equal(kind === "deploy" ? 1 : undefined);
        const role = one(resources, "aws:iam/role:Role", `outpost-fleet-builds-${kind}-role`);
        expect(documentOf(role, "assumeRolePolicy").Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Service: "codebuild.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ]);
      });
    }

    it("the deploy project runs the driver's own buildspec.yml", () => {
      expect(BUILDSPECS.deploy).to.equal("buildspec.yml");
    });
  });

  describe("the buildspecs", () => {
    const schema = JSON.parse(
      fs.readFileSync(
        path.join(PROJECT_ROOT, "test", "automation", "support", "buildspec.schema.json"),
        "utf8",
      ),
    ) as object;
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
      schema,
    );
    const phases: Record<string, string[]> = {
      "unit-tests": ["install", "build"],
      "security-scan": ["install", "build"],
      "container-build": ["install", "pre_build", "build"],
      "infra-validation": ["install", "build"],
      deploy: ["install", "build"],
    };
    const commands: Record<string, RegExp[]> = {
      "unit-tests": [/npm run toolchain/, /npm run typecheck/, /npm run lint/, /npm test/],
      "security-scan": [
        /npm audit --omit=dev --audit-level="\$NPM_AUDIT_LEVEL"/,
        /aws ecr wait image-scan-complete/,
        /aws ecr describe-image-scan-findings/,
      ],
      "container-build": [/docker build --file app\/Dockerfile/, /docker push "\$IMAGE_URI"/],
      "infra-validation": [
        /policies\/write-config\.ts "\$stack" --version "\$RELEASE"/,
        /pulumi preview --stack "\$stack" .*\n?.*--policy-pack policies --policy-pack-config/,
      ],
      deploy: [/npx outpost-fleet deploy --release "\$RELEASE" "\$\{stacks\[@\]\}" --json/],
    };
    for (const kind of BUILD_PROJECT_KINDS) {
      it(`${BUILDSPECS[kind]} exists, is a valid buildspec with the expected phases and commands`, () => {
        const file = path.join(PROJECT_ROOT, BUILDSPECS[kind]);
        const buildspec = parse(fs.readFileSync(file, "utf8")) as {
          phases: Record<string, { commands: string[]; "runtime-versions"?: unknown }>;
        };
        expect(validate(buildspec), JSON.stringify(validate.errors)).to.equal(true);
        expect(Object.keys(buildspec.phases)).to.deep.equal(phases[kind]);
        expect(buildspec.phases.install["runtime-versions"]).to.deep.equal({ nodejs: 20 });
        const text = Object.values(buildspec.phases)
          .flatMap((p) => p.commands)
          .join("\n");
        for (const pattern of commands[kind]) expect(text).to.match(pattern);
      });
    }

    it("the container build exports the release the Test and Deploy stages roll out", () => {
      const buildspec = parse(
        fs.readFileSync(path.join(PROJECT_ROOT, BUILDSPECS["container-build"]), "utf8"),
      ) as { env: { "exported-variables": string[] } };
      expect(buildspec.env["exported-variables"]).to.include("RELEASE");
      expect(fs.existsSync(path.join(PROJECT_ROOT, "app", "Dockerfile"))).to.equal(true);
    });
  });

  describe("the pipeline", () => {
    it("is a queued V2 pipeline with its artifacts in the artifacts bucket, under the control key", () => {
      const pipeline = one(
        resources,
        "aws:codepipeline/pipeline:Pipeline",
        "outpost-fleet-pipeline-pipeline",
      );
      expect(pipeline.inputs).to.deep.include({
        name: "outpost-fleet-release",
        pipelineType: "V2",
        executionMode: "QUEUED",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/outpost-fleet-pipeline-role`,
        tags: TAGS,
      });
      const [store] = pipeline.inputs.artifactStores as {
        type: string;
        location: string;
        encryptionKey: { type: string; id: string };
      }[];
      expect(store.type).to.equal("S3");
      expect(store.location).to.equal(`outpost-fleet-artifacts-${ACCOUNT}`);
      expect(store.encryptionKey.type).to.equal("KMS");
      expect(store.encryptionKey.id).to.match(KEY_ARN);
    });

    it("runs Source, Build (four projects in parallel), Test on staging, Approval, Deploy on production", () => {
      const pipeline = one(
        resources,
        "aws:codepipeline/pipeline:Pipeline",
        "outpost-fleet-pipeline-pipeline",
      );
      const stages = pipeline.inputs.stages as {
        name: string;
        actions: {
          name: string;
          category: string;
          provider: string;
          runOrder: number;
          configuration: Record<string, string>;
          namespace?: string;
        }[];
      }[];
      expect(
        stages.map((s) => [
          s.name,
          s.actions.map((a) => `${a.category}/${a.provider}/${a.name}@${a.runOrder}`),
        ]),
      ).to.deep.equal([
        ["Source", ["Source/CodeStarSourceConnection/Source@1"]],
        [
          "Build",
          [
            "Build/CodeBuild/UnitTests@1",
            "Build/CodeBuild/SecurityScan@1",
            "Build/CodeBuild/ContainerBuild@1",
            "Build/CodeBuild/InfraValidation@1",
          ],
        ],
        ["Test", ["Test/CodeBuild/StagingRollout@1"]],
        ["Approval", ["Approval/Manual/ApproveProduction@1"]],
        ["Deploy", ["Build/CodeBuild/ProductionRollout@1"]],
      ]);
      expect(stages[0].actions[0].configuration).to.deep.equal({
        ConnectionArn:
          "arn:aws:codeconnections:us-east-1:111122223333:connection/5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
        FullRepositoryId: "acme/outpost-fleet",
        BranchName: "main",
        OutputArtifactFormat: "CODE_ZIP",
        DetectChanges: "true",
      });
      expect(stages[1].actions.map((a) => a.configuration.ProjectName)).to.deep.equal([
        "outpost-fleet-unit-tests",
        "outpost-fleet-security-scan",
        "outpost-fleet-container-build",
        "outpost-fleet-infra-validation",
      ]);
      expect(stages[1].actions[2].namespace).to.equal("ContainerBuild");
      const driver = (stage: number) => ({
        project: stages[stage].actions[0].configuration.ProjectName,
        env: JSON.parse(stages[stage].actions[0].configuration.EnvironmentVariables) as unknown,
      });
      const env = (stacks: string) => [
        { name: "OUTPOST_FLEET_COMMAND", value: "deploy", type: "PLAINTEXT" },
        { name: "RELEASE", value: "#{ContainerBuild.RELEASE}", type: "PLAINTEXT" },
        { name: "OUTPOST_FLEET_STACKS", value: stacks, type: "PLAINTEXT" },
      ];
      expect(driver(2)).to.deep.equal({
        project: "outpost-fleet-deploy",
        env: env("staging-us,staging-eu,staging-apac"),
      });
      expect(driver(4)).to.deep.equal({ project: "outpost-fleet-deploy", env: env("us,eu,apac") });
      expect(stages[3].actions[0].configuration.NotificationArn).to.equal(
        `arn:aws:sns:us-east-1:${ACCOUNT}:outpost-fleet-releases`,
      );
    });

    it("leaves the approval out when config says so", async () => {
      const { resources: noApproval } = await recordStack(
        controlLayer((c) => {
          c.manualApproval = false;
        }),
        { secrets: {} },
      );
      const [pipeline] = ofType(noApproval, "aws:codepipeline/pipeline:Pipeline");
      expect((pipeline.inputs.stages as { name: string }[]).map((s) => s.name)).to.deep.equal([
        "Source",
        "Build",
        "Test",
        "Deploy",
      ]);
    });

    it("takes a CodeCommit source, started by an EventBridge rule on its branch", async () => {
      const { resources: commit } = await recordStack(
        controlLayer((c) => {
          c.source = { kind: "codecommit", repositoryName: "outpost-fleet", branch: "release" };
        }),
        { secrets: {} },
      );
      const [pipeline] = ofType(commit, "aws:codepipeline/pipeline:Pipeline");
      const [source] = (pipeline.inputs.stages as { actions: Record<string, unknown>[] }[])[0]
        .actions;
      expect(source).to.deep.include({
        provider: "CodeCommit",
        configuration: {
          RepositoryName: "outpost-fleet",
          BranchName: "release",
          PollForSourceChanges: "false",
        },
      });
      const rule = one(
        commit,
        "aws:cloudwatch/eventRule:EventRule",
        "outpost-fleet-pipeline-source-push",
      );
      expect(JSON.parse(rule.inputs.eventPattern as string)).to.deep.equal({
        source: ["aws.codecommit"],
        "detail-type": ["CodeCommit Repository State Change"],
        resources: [`arn:aws:codecommit:us-east-1:${ACCOUNT}:outpost-fleet`],
        detail: {
          event: ["referenceCreated", "referenceUpdated"],
          referenceType: ["branch"],
          referenceName: ["release"],
        },
      });
      const target = one(
        commit,
        "aws:cloudwatch/eventTarget:EventTarget",
        "outpost-fleet-pipeline-source-push-target",
      );
      expect(target.inputs).to.deep.equal({
        rule: "outpost-fleet-pipeline-source-push",
        arn: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:outpost-fleet-release`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/outpost-fleet-pipeline-events-role`,
      });
      const events = one(
        commit,
        "aws:iam/rolePolicy:RolePolicy",
        "outpost-fleet-pipeline-events-policy",
      );
      expect(documentOf(events).Statement).to.deep.equal([
        {
          Sid: "StartReleasePipeline",
          Effect: "Allow",
          Action: "codepipeline:StartPipelineExecution",
          Resource: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:outpost-fleet-release`,
        },
      ]);
      const policy = documentOf(
        one(commit, "aws:iam/rolePolicy:RolePolicy", "outpost-fleet-pipeline-policy"),
      );
      expect(policy.Statement[0]).to.deep.include({
        Sid: "SourceRepository",
        Resource: `arn:aws:codecommit:us-east-1:${ACCOUNT}:outpost-fleet`,
      });
    });
  });

  describe("notifications", () => {
    it("a KMS-encrypted topic that CodeStar Notifications may publish to, over TLS only", () => {
      const topic = one(resources, "aws:sns/topic:Topic", "outpost-fleet-notifications-topic");
      expect(topic.inputs.name).to.equal("outpost-fleet-releases");
      expect(topic.inputs.kmsMasterKeyId).to.match(KEY_ARN);
      const policy = one(
        resources,
        "aws:sns/topicPolicy:TopicPolicy",
        "outpost-fleet-notifications-topic-policy",
      );
      const arn = `arn:aws:sns:us-east-1:${ACCOUNT}:outpost-fleet-releases`;
      expect(policy.inputs.arn).to.equal(arn);
      expect(documentOf(policy).Statement).to.deep.equal([
        {
          Sid: "CodeStarNotificationsPublish",
          Effect: "Allow",
          Principal: { Service: "codestar-notifications.amazonaws.com" },
          Action: "sns:Publish",
          Resource: arn,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sns:Publish",
          Resource: arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });

    it("rules on the pipeline: its executions and its approvals, to the topic", () => {
      const rules = ofType(resources, "aws:codestarnotifications/notificationRule:NotificationRule")
        .map((r) => ({ resourceName: r.name, ...r.inputs }))
        .sort((a, b) => a.resourceName.localeCompare(b.resourceName));
      const common = {
        resource: `arn:aws:codepipeline:us-east-1:${ACCOUNT}:outpost-fleet-release`,
        detailType: "FULL",
        status: "ENABLED",
        targets: [
          { type: "SNS", address: `arn:aws:sns:us-east-1:${ACCOUNT}:outpost-fleet-releases` },
        ],
        tags: TAGS,
      };
      expect(rules).to.deep.equal([
        {
          ...common,
          resourceName: "outpost-fleet-pipeline-events-approvals",
          name: "outpost-fleet-release-approvals",
          eventTypeIds: [
            "codepipeline-pipeline-manual-approval-needed",
            "codepipeline-pipeline-manual-approval-succeeded",
            "codepipeline-pipeline-manual-approval-failed",
          ],
        },
        {
          ...common,
          resourceName: "outpost-fleet-pipeline-events-executions",
          name: "outpost-fleet-release-executions",
          eventTypeIds: [
            "codepipeline-pipeline-pipeline-execution-started",
            "codepipeline-pipeline-pipeline-execution-succeeded",
            "codepipeline-pipeline-pipeline-execution-failed",
            "codepipeline-pipeline-pipeline-execution-canceled",
            "codepipeline-pipeline-pipeline-execution-superseded",
          ],
        },
      ]);
    });
  });

  describe("the release dashboard", () => {
    it("graphs duration, waves, rollbacks and gate failures by release and region", () => {
      const dashboard = one(
        resources,
        "aws:cloudwatch/dashboard:Dashboard",
        "outpost-fleet-releases-dashboard",
      );
      expect(dashboard.inputs.dashboardName).to.equal("outpost-fleet-releases");
      expect(dashboard.inputs.dashboardBody).to.equal(releaseDashboardBody("us-east-1"));
      const body = JSON.parse(dashboard.inputs.dashboardBody as string) as {
        widgets: { properties: { title: string; metrics: { expression: string }[][] } }[];
      };
      expect(body.widgets.map((w) => w.properties.metrics[0][0].expression)).to.deep.equal([
        `SEARCH('{OutpostFleet/Releases,Release} MetricName="ReleaseDuration"', 'Maximum', 3600)`,
        `SEARCH('{OutpostFleet/Releases,Release,Region} MetricName="WavesCompleted"', 'Sum', 3600)`,
        `SEARCH('{OutpostFleet/Releases,Release,Region} MetricName="Rollbacks"', 'Sum', 3600)`,
        `SEARCH('{OutpostFleet/Releases,Release,Region} MetricName="GateFailures"', 'Sum', 3600)`,
      ]);
    });
  });

  describe("IAM: least privilege, document by document", () => {
    // Each stack's role lives in the account of its Outposts.
    const accountOf: Record<string, string> = {
      us: ACCOUNT,
      eu: "444455556666",
      apac: "777788889999",
    };
    const deployRoles = ["staging-us", "staging-eu", "staging-apac", "us", "eu", "apac"].map(
      (stack) =>
        `arn:aws:iam::${accountOf[stack.replace("staging-", "")]}:role/outpost-fleet-deploy-${stack}`,
    );
    const documents = () =>
      ofType(resources, "aws:iam/rolePolicy:RolePolicy").map((r) => ({
        name: r.name,
        document: documentOf(r),
      }));

    it("no Resource * on a mutating action without a condition, in any role's policy", () => {
      for (const { name, document } of documents()) {
        expect(document.Version).to.equal("2012-10-17");
        for (const s of document.Statement) {
          expect(s.Effect, name).to.equal("Allow");
          if (!resourcesOf(s).includes("*") || s.Condition) continue;
          expect(
            actions(s).filter((a) => !/:(Describe|Get|List|BatchGet)/.test(a)),
            name,
          ).to.deep.equal([]);
        }
      }
    });

    it("only the deploy and validation projects assume roles: exactly the stacks' deploy roles", () => {
      const assuming = documents()
        .map(({ name, document }) => ({
          name,
          roles: document.Statement.filter((s) => actions(s).includes("sts:AssumeRole")).flatMap(
            resourcesOf,
          ),
        }))
        .filter((d) => d.roles.length > 0);
      expect(assuming).to.deep.equal([
        { name: "outpost-fleet-builds-infra-validation-policy", roles: deployRoles },
        { name: "outpost-fleet-builds-deploy-policy", roles: deployRoles },
      ]);
    });

    it("each project's policy holds its logs, the artifacts, and its job only", () => {
      const sids = Object.fromEntries(
        documents().map(({ name, document }) => [name, document.Statement.map((s) => s.Sid)]),
      );
      const base = ["BuildLogs", "PipelineArtifacts", "PipelineArtifactsBucket", "ControlKey"];
      const state = ["DriverState", "DriverStateBucket", "BackendUrl", "AssumeStackDeployRoles"];
      const network = [
        "BuildNetworkReads",
        "BuildNetworkInterfaces",
        "BuildNetworkInterfacePermission",
      ];
      expect(sids).to.deep.equal({
        "outpost-fleet-builds-unit-tests-policy": base,
        "outpost-fleet-builds-security-scan-policy": [...base, "ImageScanFindings"],
        "outpost-fleet-builds-container-build-policy": [
          ...base,
          "RegistryLogin",
          "PushReleaseImage",
        ],
        "outpost-fleet-builds-infra-validation-policy": [...base, ...state, ...network],
        "outpost-fleet-builds-deploy-policy": [
          ...base,
          ...state,
          ...network,
          "ReleaseMetrics",
          "ReleaseEvents",
          "ReleaseImageScan",
        ],
        "outpost-fleet-pipeline-policy": [
          "SourceConnection",
          "PipelineArtifacts",
          "PipelineArtifactsBucket",
          "ControlKey",
          "RunBuildProjects",
          "ApprovalNotifications",
        ],
      });
    });

    it("scopes every statement to the control plane's own ARNs", () => {
      const byName = new Map(documents().map((d) => [d.name, d.document]));
      const sid = (doc: string, id: string) =>
        byName.get(doc)!.Statement.find((s) => s.Sid === id)!;
      const artifacts = `arn:aws:s3:::outpost-fleet-artifacts-${ACCOUNT}`;
      const state = `arn:aws:s3:::outpost-fleet-state-${ACCOUNT}`;
      const repo = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/storefront`;
      const logs = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/codebuild/outpost-fleet-unit-tests`;
      expect(sid("outpost-fleet-builds-unit-tests-policy", "BuildLogs").Resource).to.deep.equal([
        logs,
        `${logs}:*`,
      ]);
      expect(sid("outpost-fleet-builds-unit-tests-policy", "PipelineArtifacts").Resource).to.equal(
        `${artifacts}/*`,
      );
      expect(sid("outpost-fleet-builds-unit-tests-policy", "ControlKey").Resource).to.match(
        KEY_ARN,
      );
      expect(
        sid("outpost-fleet-builds-container-build-policy", "PushReleaseImage").Resource,
      ).to.equal(repo);
      expect(sid("outpost-fleet-builds-container-build-policy", "RegistryLogin")).to.deep.include({
        Action: "ecr:GetAuthorizationToken",
        Resource: "*",
      });
      expect(sid("outpost-fleet-builds-security-scan-policy", "ImageScanFindings")).to.deep.include(
        {
          Action: ["ecr:DescribeImages", "ecr:DescribeImageScanFindings"],
          Resource: repo,
        },
      );
      expect(sid("outpost-fleet-builds-deploy-policy", "DriverState").Resource).to.equal(
        `${state}/*`,
      );
      expect(sid("outpost-fleet-builds-deploy-policy", "BackendUrl").Resource).to.equal(
        `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/outpost-fleet/pulumi-backend-url`,
      );
      expect(sid("outpost-fleet-builds-deploy-policy", "ReleaseMetrics")).to.deep.equal({
        Sid: "ReleaseMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "OutpostFleet/Releases" } },
      });
      expect(sid("outpost-fleet-builds-deploy-policy", "ReleaseEvents").Resource).to.equal(
        `arn:aws:sns:us-east-1:${ACCOUNT}:outpost-fleet-releases`,
      );
      expect(sid("outpost-fleet-builds-deploy-policy", "ReleaseImageScan")).to.deep.include({
        Action: "ecr:DescribeImageScanFindings",
        Resource: repo,
      });
      expect(sid("outpost-fleet-pipeline-policy", "SourceConnection")).to.deep.include({
        Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
        Resource:
          "arn:aws:codeconnections:us-east-1:111122223333:connection/5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
      });
      expect(sid("outpost-fleet-pipeline-policy", "RunBuildProjects").Resource).to.deep.equal(
        BUILD_PROJECT_KINDS.map(
          (kind) => `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/outpost-fleet-${kind}`,
        ),
      );
      const pipelineRole = one(resources, "aws:iam/role:Role", "outpost-fleet-pipeline-role");
      expect(documentOf(pipelineRole, "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
        Service: "codepipeline.amazonaws.com",
      });
    });
  });
});

describe("control-plane config", () => {
  it("the example stack is valid, with defaults filled", () => {
    const config = loadControlConfig(readStackFile("control"));
    expect(config).to.deep.include({
      name: "outpost-fleet",
      awsRegion: "us-east-1",
      manualApproval: true,
      artifacts: { retentionDays: 90 },
      state: { noncurrentVersionDays: 90 },
    });
  });

  it("takes the engine's defaults of the fleet's keys (Pulumi.yaml) as unset", () => {
    const config = loadControlConfig({
      ...readStackFile("control"),
      deployment: {},
      allowMultipleVpcs: false,
      overrides: {},
      localFaults: {},
    });
    expect(config.name).to.equal("outpost-fleet");
  });

  it("refuses fleet keys, unknown keys and a misspelled nested key, naming each", () => {
    const problems = problemsOf({
      ...controlLayer((c) => {
        c.manualAproval = false;
      }),
      outposts: [{ name: "nyc-dc1" }],
      deploymnet: {},
    });
    expect(problems.map((p) => [p.key, p.allowed])).to.deep.equal([
      [
        "outpost-fleet:deploymnet",
        "is not a known key; known stack keys: target, regionGroup, environment, certificateArn, serviceDomain, release, outposts, deployment, allowMultipleVpcs, overrides, secrets, localFaults, control",
      ],
      [
        "outpost-fleet:outposts",
        "is not a key of a control stack (target: control); it takes only outpost-fleet:target, outpost-fleet:control, aws:region and aws:assumeRoles",
      ],
      [
        "outpost-fleet:deploymnet",
        "is not a key of a control stack (target: control); it takes only outpost-fleet:target, outpost-fleet:control, aws:region and aws:assumeRoles",
      ],
      [
        "outpost-fleet:control.manualAproval",
        "is not a known key; check the spelling against docs/pipeline.md",
      ],
    ]);
  });

  it("names the key, the value and what is allowed", () => {
    const problems = problemsOf({
      ...controlLayer((c) => {
        c.npmAuditLevel = "severe";
        c.source = { kind: "github", repository: "acme/x" };
        (c.ecr as Record<string, unknown>).keepReleases = 0;
      }),
      awsRegion: "eu-west-1",
    });
    expect(problems).to.deep.equal([
      {
        key: "aws:region",
        value: "eu-west-1",
        allowed: "must be us-east-1: the control plane lives there (docs/pipeline.md)",
      },
      {
        key: "outpost-fleet:control.source.kind",
        value: "github",
        allowed: "must be codestar-connection or codecommit",
      },
      {
        key: "outpost-fleet:control.npmAuditLevel",
        value: "severe",
        allowed: "must be low, moderate, high or critical",
      },
      {
        key: "outpost-fleet:control.ecr.keepReleases",
        value: 0,
        allowed: "must be from 1 to 10000",
      },
    ]);
  });

  it("requires a deploy role for every stack, and refuses one for no stack", () => {
    const problems = problemsOf(
      controlLayer((c) => {
        const roles = c.deployRoles as Record<string, string>;
        delete roles.eu;
        roles.sandbox = "arn:aws:iam::111122223333:role/sandbox";
        c.stagingStacks = ["staging-us", "staging-eu", "staging-apac", "us"];
      }),
    );
    expect(problems.map((p) => [p.key, p.allowed])).to.deep.equal([
      [
        "outpost-fleet:control.productionStacks",
        "must be listed once, in stagingStacks or in productionStacks",
      ],
      [
        "outpost-fleet:control.deployRoles.eu",
        "is required: the deploy role the driver assumes for stack eu",
      ],
      [
        "outpost-fleet:control.deployRoles.sandbox",
        "names no stack of stagingStacks or productionStacks (staging-us, staging-eu, staging-apac, us, us, eu, apac); remove it, the driver may assume only the roles of its stacks",
      ],
    ]);
  });

  it("a fleet stack refuses the control key; a control stack refuses secrets", async () => {
    const fleet = { ...readStackFile("us"), control: {} };
    expect(() => loadControlConfig(fleet)).to.throw(ConfigValidationError);
    expect(() => loadFleetConfig(fleet)).to.throw(
      /outpost-fleet:control = \{\}: is only for the control-plane stack \(target: control\); this stack's target is aws, remove the key/,
    );
    let error: unknown;
    try {
      await recordStack("control");
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.contain(
      'outpost-fleet:secrets = ["database-password","cache-auth-token","payment-api-key"]: is not a key of a control stack',
    );
  });

  it("the driver never takes the control stack for a fleet stack", () => {
    const names = discoverStacks(PROJECT_ROOT).map((s) => s.name);
    expect(names).to.not.include("control");
    expect(names).to.include.members(["us", "eu", "apac"]);
  });
});
