/**
 * Type tokens the pack inspects. We match on tokens rather than on provider SDK classes so
 * that loading the pack never loads @pulumi/aws or @pulumi/kubernetes (seconds per preview).
 */
export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  dynamic: "pulumi-nodejs:dynamic:Resource",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  autoScalingGroup: "aws:autoscaling/group:Group",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ebsVolume: "aws:ebs/volume:Volume",
  eksCluster: "aws:eks/cluster:Cluster",
  ssmParameter: "aws:ssm/parameter:Parameter",
  secret: "aws:secretsmanager/secret:Secret",
  iamRole: "aws:iam/role:Role",
  iamPolicy: "aws:iam/policy:Policy",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  configMap: "kubernetes:core/v1:ConfigMap",
  deployment: "kubernetes:apps/v1:Deployment",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  bucket: "aws:s3/bucket:Bucket",
  bucketEncryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketLogging: "aws:s3/bucketLogging:BucketLogging",
  ecrRepository: "aws:ecr/repository:Repository",
  ecrCreationTemplate: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
  pipeline: "aws:codepipeline/pipeline:Pipeline",
  kmsKey: "aws:kms/key:Key",
  buildProject: "aws:codebuild/project:Project",
  snsTopic: "aws:sns/topic:Topic",
  notificationRule: "aws:codestarnotifications/notificationRule:NotificationRule",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
} as const;

/**
 * AWS types that take tags and that the program creates. A type missing here is simply not
 * checked by required-tags; `exemptTypes` in policy config removes one.
 */
export const TAGGABLE_TYPES: readonly string[] = [
  TYPES.launchTemplate,
  TYPES.instance,
  TYPES.autoScalingGroup,
  TYPES.targetGroup,
  TYPES.loadBalancer,
  TYPES.listener,
  TYPES.metricAlarm,
  TYPES.securityGroup,
  TYPES.ingressRule,
  TYPES.egressRule,
  TYPES.ebsVolume,
  TYPES.eksCluster,
  TYPES.ssmParameter,
  TYPES.secret,
  TYPES.iamRole,
  TYPES.iamPolicy,
  TYPES.instanceProfile,
  TYPES.bucket,
  // The control plane (infra/control).
  TYPES.kmsKey,
  TYPES.ecrRepository,
  TYPES.buildProject,
  TYPES.pipeline,
  TYPES.snsTopic,
  TYPES.notificationRule,
  TYPES.eventRule,
];

/** Types that always belong to one Outpost and so must say which (Outpost tag). */
export const OUTPOST_SCOPED_TYPES: readonly string[] = [
  TYPES.launchTemplate,
  TYPES.instance,
  TYPES.autoScalingGroup,
  TYPES.targetGroup,
  TYPES.loadBalancer,
  TYPES.listener,
  TYPES.metricAlarm,
  TYPES.securityGroup,
  TYPES.ingressRule,
  TYPES.egressRule,
  TYPES.eksCluster,
];

/** Types that always belong to one color (a target group is a color's entry point). */
export const ALWAYS_COLORED_TYPES: readonly string[] = [TYPES.targetGroup];

/**
 * Components whose children are all one color's resources. Matched on the URN's type chain,
 * which records every ancestor's type: structural, unlike logical names.
 */
export const COLORED_COMPONENTS: readonly string[] = [
  "outpost-fleet:ec2:BlueGreenFleet",
  "outpost-fleet:monitoring:OutpostAlarms",
];

/** Types whose colored instances run the app, so they must say which version (AppVersion). */
export const VERSIONED_TYPES: readonly string[] = [
  TYPES.launchTemplate,
  TYPES.instance,
  TYPES.autoScalingGroup,
];

/** The types in a URN's type chain (`parent$child`), outermost first. */
export function typeChain(urn: string): string[] {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[2].split("$") : [];
}
