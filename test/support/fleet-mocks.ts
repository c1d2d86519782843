import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** One resource the program registered, as the engine would have seen it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
}

type Inputs = Record<string, unknown>;

function shortHash(text: string, length = 17): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Attributes the cloud would compute, by resource type. A type missing here fails the test:
 * a new resource kind has to be added on purpose, with what AWS returns for it.
 */
const COMPUTED: Record<string, (name: string, inputs: Inputs, region: string) => Inputs> = {
  "aws:ec2/securityGroup:SecurityGroup": (name) => ({
    arn: `arn:aws:ec2:::security-group/sg-${shortHash(name)}`,
  }),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": () => ({}),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": () => ({}),
  "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({
    arn: `arn:aws:ec2:::launch-template/lt-${shortHash(name)}`,
    latestVersion: 1,
  }),
  "aws:autoscaling/group:Group": (name) => ({
    arn: `arn:aws:autoscaling:::autoScalingGroup:${name}`,
    name,
  }),
  "aws:lb/targetGroup:TargetGroup": (name, _inputs, region) => {
    const suffix = `targetgroup/${name.slice(0, 24)}/${shortHash(name, 16)}`;
    return {
      arn: `arn:aws:elasticloadbalancing:${region}:111122223333:${suffix}`,
      arnSuffix: suffix,
      name,
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (name, _inputs, region) => {
    const suffix = `app/${name.slice(0, 24)}/${shortHash(name, 16)}`;
    return {
      arn: `arn:aws:elasticloadbalancing:${region}:111122223333:loadbalancer/${suffix}`,
      arnSuffix: suffix,
      dnsName: `${name}-${shortHash(name, 8)}.${region}.elb.amazonaws.com`,
    };
  },
  "aws:lb/listener:Listener": (name, _inputs, region) => ({
    arn: `arn:aws:elasticloadbalancing:${region}:111122223333:listener/app/${name}/${shortHash(name, 16)}`,
  }),
  "aws:cloudwatch/metricAlarm:MetricAlarm": (name) => ({
    name,
    arn: `arn:aws:cloudwatch:::alarm:${name}`,
  }),
  "aws:cloudwatch/dashboard:Dashboard": () => ({}),
  "aws:ssm/parameter:Parameter": (name, inputs) => ({
    arn: `arn:aws:ssm:::parameter${String(inputs.name ?? name)}`,
  }),
  "aws:secretsmanager/secret:Secret": (name, _inputs, region) => ({
    arn: `arn:aws:secretsmanager:${region}:111122223333:secret:${name}-${shortHash(name, 6)}`,
  }),
  "aws:secretsmanager/secretVersion:SecretVersion": () => ({}),
  "aws:iam/policy:Policy": (name) => ({ arn: `arn:aws:iam::111122223333:policy/${name}` }),
  // IAM puts a role's path in its ARN: arn:aws:iam::<account>:role/<path>/<name>.
  "aws:iam/role:Role": (name, inputs) => ({
    arn: `arn:aws:iam::111122223333:role${String(inputs.path ?? "/")}${name}`,
    name,
  }),
  "aws:iam/rolePolicy:RolePolicy": () => ({}),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": () => ({}),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
    arn: `arn:aws:iam::111122223333:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
  }),
  "aws:iam/instanceProfile:InstanceProfile": (name) => ({
    arn: `arn:aws:iam::111122223333:instance-profile/${name}`,
  }),
  "aws:eks/cluster:Cluster": (name, inputs, region) => ({
    name: inputs.name ?? name,
    clusterId: inputs.outpostConfig
      ? `${shortHash(name, 8)}-aaaa-bbbb-cccc-${shortHash(name, 12)}`
      : undefined,
    endpoint: `https://${shortHash(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
    certificateAuthority: { data: Buffer.from(`ca-of-${name}`).toString("base64") },
    vpcConfig: {
      ...(inputs.vpcConfig as Inputs),
      clusterSecurityGroupId: `sg-${shortHash(`${name}-cluster`)}`,
    },
    // A cluster in the Region has an OIDC issuer; a local cluster on an Outpost has none.
    identities: inputs.outpostConfig
      ? []
      : [
          {
            oidcs: [
              {
                issuer: `https://oidc.eks.${region}.amazonaws.com/id/${shortHash(name, 32).toUpperCase()}`,
              },
            ],
          },
        ],
  }),
  "aws:s3/bucket:Bucket": (name, inputs, region) => {
    const bucket = String(inputs.bucket ?? `${name.slice(0, 40)}-${shortHash(name, 7)}`);
    return { bucket, arn: `arn:aws:s3:::${bucket}`, region };
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": () => ({}),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    () => ({}),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": () => ({}),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": () => ({}),
  "aws:s3/bucketPolicy:BucketPolicy": () => ({}),
  "aws:s3/bucketVersioning:BucketVersioning": () => ({}),
  "aws:s3/bucketLogging:BucketLogging": () => ({}),
  // The control plane (infra/control).
  "aws:kms/key:Key": (name, _inputs, region) => {
    const keyId = `${shortHash(name, 8)}-aaaa-bbbb-cccc-${shortHash(name, 12)}`;
    return { keyId, arn: `arn:aws:kms:${region}:111122223333:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (name, inputs, region) => ({
    arn: `arn:aws:kms:${region}:111122223333:${String(inputs.name ?? name)}`,
  }),
  "aws:ecr/repository:Repository": (name, inputs, region) => {
    const repository = String(inputs.name ?? name);
    return {
      name: repository,
      arn: `arn:aws:ecr:${region}:111122223333:repository/${repository}`,
      registryId: "111122223333",
      repositoryUrl: `111122223333.dkr.ecr.${region}.amazonaws.com/${repository}`,
    };
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": () => ({ registryId: "111122223333" }),
  "aws:ecr/repositoryPolicy:RepositoryPolicy": () => ({ registryId: "111122223333" }),
  "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": () => ({
    registryId: "111122223333",
  }),
  "aws:ecr/replicationConfiguration:ReplicationConfiguration": () => ({
    registryId: "111122223333",
  }),
  "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": () => ({
    registryId: "111122223333",
  }),
  "aws:codebuild/project:Project": (name, inputs, region) => {
    const project = String(inputs.name ?? name);
    return { name: project, arn: `arn:aws:codebuild:${region}:111122223333:project/${project}` };
  },
  "aws:codepipeline/pipeline:Pipeline": (name, inputs, region) => {
    const pipeline = String(inputs.name ?? name);
    return { name: pipeline, arn: `arn:aws:codepipeline:${region}:111122223333:${pipeline}` };
  },
  "aws:sns/topic:Topic": (name, inputs, region) => ({
    arn: `arn:aws:sns:${region}:111122223333:${String(inputs.name ?? name)}`,
  }),
  "aws:sns/topicPolicy:TopicPolicy": () => ({}),
  "aws:codestarnotifications/notificationRule:NotificationRule": (name, _inputs, region) => ({
    arn: `arn:aws:codestar-notifications:${region}:111122223333:notificationrule/${shortHash(name, 40)}`,
  }),
  "aws:cloudwatch/eventRule:EventRule": (name, _inputs, region) => ({
    name,
    arn: `arn:aws:events:${region}:111122223333:rule/${name}`,
  }),
  "aws:cloudwatch/eventTarget:EventTarget": () => ({}),
  "pulumi:providers:kubernetes": () => ({}),
  "kubernetes:core/v1:ConfigMap": () => ({}),
  "kubernetes:core/v1:Namespace": () => ({}),
  "kubernetes:core/v1:Service": () => ({}),
  // The controller fills the Ingress status with its ALB's hostname once the ALB exists.
  "kubernetes:networking.k8s.io/v1:Ingress": (name, _inputs, region) => ({
    status: {
      loadBalancer: {
        ingress: [
          {
            hostname: `k8s-${name.slice(0, 20)}-${shortHash(name, 10)}.${region}.elb.amazonaws.com`,
          },
        ],
      },
    },
  }),
  "kubernetes:helm.sh/v3:Release": () => ({}),
  "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate": () => ({}),
  "kubernetes:argoproj.io/v1alpha1:Rollout": () => ({}),
};

/** Answers to data-source lookups. Anything else throws: no silent default data. */
const CALLS: Record<string, (inputs: Inputs) => Inputs> = {
  "aws:ec2/getAmi:getAmi": (inputs) => {
    const filters = (inputs.filters as { name: string; values: string[] }[]) ?? [];
    const name = filters.find((f) => f.name === "name")?.values[0] ?? "";
    return { id: `ami-${shortHash(name)}`, name, imageId: `ami-${shortHash(name)}` };
  },
  "aws:ssm/getParameter:getParameter": (inputs) => ({
    name: inputs.name,
    value: `ami-${shortHash(String(inputs.name))}`,
    type: "String",
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: "111122223333",
    arn: "arn:aws:iam::111122223333:user/ci",
    userId: "AIDAEXAMPLE",
  }),
};

export class StrictFleetMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly calls: string[] = [];

  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
    const custom = args.custom !== false;
    this.resources.push({
      type: args.type,
      name: args.name,
      urn: `urn:pulumi:${this.stack}::outpost-fleet::${args.type}::${args.name}`,
      inputs: args.inputs as Inputs,
      custom,
    });
    if (!custom) return { id: undefined, state: {} };
    const computed = COMPUTED[args.type];
    if (!computed) throw new Error(`no mock for resource type ${args.type} (${args.name})`);
    const id = `${args.name}-id`;
    return {
      id,
      state: {
        ...(args.inputs as Inputs),
        ...computed(args.name, args.inputs as Inputs, this.region),
      },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    this.calls.push(args.token);
    const answer = CALLS[args.token];
    if (!answer) throw new Error(`no mock for call ${args.token}`);
    return answer(args.inputs as Inputs);
  }
}
