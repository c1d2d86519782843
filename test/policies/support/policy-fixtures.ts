/**
 * Hand-built resources in the shapes the AWS program emits (infra/aws), for policy unit
 * tests: a happy-path resource per type, and a whole Outpost site. Tests change one field.
 */
import { Color } from "../../../infra/contract";
import { PackResource } from "./run-pack";

export const STACK = "us";
export const PROJECT = "outpost-fleet";
export const OUTPOST = "nyc-dc1";
export const OUTPOST_ARN = "arn:aws:outposts:us-east-1:111122223333:outpost/op-1c17149d439536b32";
export const SUBNET = "subnet-16fdaeeb975729fae";
export const VPC = "vpc-923d5a4fd12aabfe2";
export const VERSION = "2.0.0";
export const FINGERPRINT = `sha256:${"a".repeat(64)}`;

const SITE = "outpost-fleet:site:OutpostSite";
const FLEET = "outpost-fleet:ec2:BlueGreenFleet";
const TRAFFIC = "outpost-fleet:ec2:TrafficSwitch";
const ALARMS = "outpost-fleet:monitoring:OutpostAlarms";

/** A URN with its parents' type chain, as the engine builds it. */
export function urnOf(type: string, name: string, parents: readonly string[] = []): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${[...parents, type].join("$")}::${name}`;
}

export function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  parents: readonly string[] = [],
): PackResource {
  return { type, name, urn: urnOf(type, name, parents), props };
}

export function siteTags(outpost = OUTPOST): Record<string, string> {
  return {
    Environment: "production",
    Region: "us-east-1",
    Outpost: outpost,
    DeploymentId: "storefront-production-us",
    ManagedBy: "outpost-fleet",
  };
}

export function colorTags(
  color: Color,
  version = VERSION,
  outpost = OUTPOST,
): Record<string, string> {
  return { ...siteTags(outpost), Color: color, AppVersion: version };
}

function userData(color: Color, version: string, outpost: string): string {
  const text = [
    "#!/bin/bash",
    `APP_VERSION=${version}`,
    `APP_COLOR=${color}`,
    `OUTPOST=${outpost}`,
    "PORT=8080",
    "",
  ].join("\n");
  return Buffer.from(text, "utf8").toString("base64");
}

export function launchTemplate(
  color: Color = "blue",
  version = VERSION,
  outpost = OUTPOST,
): PackResource {
  const tags = colorTags(color, version, outpost);
  return res(
    "aws:ec2/launchTemplate:LaunchTemplate",
    `${outpost}-${color}-lt`,
    {
      description: `storefront ${color} on ${outpost}`,
      imageId: `ami-${version.replace(/\./g, "")}`,
      instanceType: "m5.xlarge",
      iamInstanceProfile: { arn: "arn:aws:iam::111122223333:instance-profile/app" },
      vpcSecurityGroupIds: ["sg-app"],
      userData: userData(color, version, outpost),
      metadataOptions: {
        httpTokens: "required",
        httpEndpoint: "enabled",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 30, volumeType: "gp2" } },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: { ...tags } },
        { resourceType: "volume", tags: { ...tags } },
      ],
      tags,
    },
    [SITE, FLEET],
  );
}

export function autoScalingGroup(
  color: Color = "blue",
  version = VERSION,
  size = { min: 2, desired: 3, max: 6 },
  outpost = OUTPOST,
): PackResource {
  return res(
    "aws:autoscaling/group:Group",
    `${outpost}-${color}-asg`,
    {
      vpcZoneIdentifiers: [SUBNET],
      minSize: size.min,
      maxSize: size.max,
      desiredCapacity: size.desired,
      launchTemplate: { id: `lt-${color}`, version: "1" },
      targetGroupArns: [targetGroupArn(color, outpost)],
      healthCheckType: "ELB",
      tags: Object.entries(colorTags(color, version, outpost)).map(([key, value]) => ({
        key,
        value,
        propagateAtLaunch: true,
      })),
    },
    [SITE, FLEET],
  );
}

export function targetGroupArn(color: Color, outpost = OUTPOST): string {
  return `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${outpost}-${color}/0123456789abcdef`;
}

export function targetGroup(color: Color = "blue", outpost = OUTPOST): PackResource {
  return res(
    "aws:lb/targetGroup:TargetGroup",
    `${outpost}-${color}-tg`,
    {
      port: 8080,
      protocol: "HTTP",
      vpcId: VPC,
      targetType: "instance",
      deregistrationDelay: 15,
      healthCheck: {
        enabled: true,
        path: "/health",
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200",
      },
      tags: { ...siteTags(outpost), Color: color },
    },
    [SITE, FLEET],
  );
}

export function loadBalancer(outpost = OUTPOST): PackResource {
  return res(
    "aws:lb/loadBalancer:LoadBalancer",
    `${outpost}-alb`,
    {
      loadBalancerType: "application",
      internal: false,
      subnets: [SUBNET],
      securityGroups: ["sg-alb"],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      accessLogs: { enabled: true, bucket: LOG_BUCKET, prefix: `alb/${outpost}/ec2` },
      tags: siteTags(outpost),
    },
    [SITE, TRAFFIC],
  );
}

export const LOG_BUCKET = "storefront-production-us-alb-logs-111122223333";

/** The test listener: HTTPS on 8443, forwarding only to the candidate color. */
export function testListener(candidate: Color = "green", outpost = OUTPOST): PackResource {
  return res(
    "aws:lb/listener:Listener",
    `${outpost}-test`,
    {
      loadBalancerArn: "arn:alb",
      port: 8443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn:
        "arn:aws:acm:us-east-1:111122223333:certificate/a4c123b1-0a1b-4c2d-8e3f-612dd272d137",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroupArn(candidate, outpost) }],
      tags: siteTags(outpost),
    },
    [SITE, TRAFFIC],
  );
}

const LOGS = "outpost-fleet:logging:AccessLogBucket";

/** The Region's access-log bucket and its companions, as AccessLogBucket makes them. */
export function logBucket(name = LOG_BUCKET): PackResource[] {
  const arn = `arn:aws:s3:::${name}`;
  return [
    res("aws:s3/bucket:Bucket", "us-alb-logs-bucket", { bucket: name, tags: {} }, [LOGS]),
    res(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "us-alb-logs-encryption",
      { bucket: name, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      [LOGS],
    ),
    res(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "us-alb-logs-public-access",
      {
        bucket: name,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      [LOGS],
    ),
    res(
      "aws:s3/bucketPolicy:BucketPolicy",
      "us-alb-logs-policy",
      {
        bucket: name,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [arn, `${arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      [LOGS],
    ),
  ];
}

export const SERVER_ACCESS_LOG_BUCKET = "storefront-production-us-s3-access-logs-111122223333";
const SERVER_ACCESS_LOGS = "outpost-fleet:logging:ServerAccessLogBucket";

/**
 * The Region's server-access-log bucket and the logging of the ALB log bucket into it, as
 * ServerAccessLogBucket makes them (the target's own companions left out).
 */
export function serverAccessLogging(source = LOG_BUCKET): PackResource[] {
  return [
    res(
      "aws:s3/bucket:Bucket",
      "us-s3-access-logs-bucket",
      { bucket: SERVER_ACCESS_LOG_BUCKET, tags: {} },
      [SERVER_ACCESS_LOGS],
    ),
    res(
      "aws:s3/bucketLogging:BucketLogging",
      "us-s3-access-logs-alb-logs-logging",
      { bucket: source, targetBucket: SERVER_ACCESS_LOG_BUCKET, targetPrefix: "alb-logs/" },
      [SERVER_ACCESS_LOGS],
    ),
  ];
}

export function httpsListener(
  weights: Record<Color, number> = { blue: 100, green: 0 },
  outpost = OUTPOST,
): PackResource {
  return res(
    "aws:lb/listener:Listener",
    `${outpost}-https`,
    {
      loadBalancerArn: "arn:alb",
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn:
        "arn:aws:acm:us-east-1:111122223333:certificate/a4c123b1-0a1b-4c2d-8e3f-612dd272d137",
      defaultActions: [
        {
          type: "forward",
          forward: {
            targetGroups: (["blue", "green"] as const).map((c) => ({
              arn: targetGroupArn(c, outpost),
              weight: weights[c],
            })),
          },
        },
      ],
      tags: siteTags(outpost),
    },
    [SITE, TRAFFIC],
  );
}

export function httpListener(outpost = OUTPOST): PackResource {
  return res(
    "aws:lb/listener:Listener",
    `${outpost}-http`,
    {
      loadBalancerArn: "arn:alb",
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
      tags: siteTags(outpost),
    },
    [SITE, TRAFFIC],
  );
}

export function alarm(color: Color, kind: string, outpost = OUTPOST): PackResource {
  return res(
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    `${outpost}-${color}-${kind}`,
    {
      namespace: "AWS/ApplicationELB",
      metricName: kind === "5xx" ? "HTTPCode_Target_5XX_Count" : "UnHealthyHostCount",
      dimensions: { LoadBalancer: "app/alb/1", TargetGroup: `targetgroup/${outpost}-${color}/1` },
      period: 60,
      evaluationPeriods: 2,
      threshold: kind === "5xx" ? 10 : 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmDescription: `Target ${kind} on ${outpost} ${color}`,
      tags: { ...siteTags(outpost), Color: color },
    },
    [SITE, ALARMS],
  );
}

export function eksCluster(outpost = OUTPOST): PackResource {
  return res(
    "aws:eks/cluster:Cluster",
    `${outpost}-eks`,
    {
      version: "1.31",
      roleArn: "arn:aws:iam::111122223333:role/cluster",
      vpcConfig: { subnetIds: [SUBNET], endpointPrivateAccess: true, endpointPublicAccess: false },
      outpostConfig: { controlPlaneInstanceType: "m5.xlarge", outpostArns: [OUTPOST_ARN] },
      tags: siteTags(outpost),
    },
    [SITE, "outpost-fleet:eks:OutpostCluster"],
  );
}

export const CANARY_STEPS = [
  { setWeight: 10 },
  { pause: { duration: "2m" } },
  { analysis: { templates: [{ templateName: "storefront-success-rate" }] } },
  { setWeight: 50 },
  { pause: { duration: "5m" } },
  { analysis: { templates: [{ templateName: "storefront-success-rate" }] } },
  { setWeight: 100 },
];

export function rollout(
  version = VERSION,
  steps: unknown[] = CANARY_STEPS,
  outpost = OUTPOST,
): PackResource {
  return res(
    "kubernetes:argoproj.io/v1alpha1:Rollout",
    `${outpost}-rollout`,
    {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "storefront", namespace: "storefront" },
      spec: {
        replicas: 4,
        template: {
          metadata: { labels: { app: "storefront", version } },
          spec: {
            nodeSelector: { "outpost-fleet/outpost": outpost },
            containers: [
              {
                name: "storefront",
                image: `111122223333.dkr.ecr.us-east-1.amazonaws.com/storefront:${version}`,
                env: [
                  { name: "APP_VERSION", value: version },
                  { name: "OUTPOST", value: outpost },
                ],
              },
            ],
          },
        },
        strategy: {
          canary: { canaryService: "storefront-canary", stableService: "storefront-stable", steps },
        },
      },
    },
    [SITE, "outpost-fleet:eks:CanaryRollout"],
  );
}

export function parameter(path: string, value: string, type = "String"): PackResource {
  const name = `us-config-${path.split("/").slice(4).join("-")}`;
  return res(
    "aws:ssm/parameter:Parameter",
    name,
    {
      name: path,
      type,
      value,
      tags: {
        Environment: "production",
        Region: "us-east-1",
        DeploymentId: "storefront-production-us",
      },
    },
    ["outpost-fleet:config:ConfigStore"],
  );
}

export interface OutpostState {
  readonly blueVersion: string;
  readonly greenVersion: string;
  readonly activeColor: Color;
  readonly candidateWeight: number;
}

export const STEADY: OutpostState = {
  blueVersion: VERSION,
  greenVersion: VERSION,
  activeColor: "blue",
  candidateWeight: 0,
};

export function weightsOf(state: OutpostState): Record<Color, number> {
  const candidate: Color = state.activeColor === "blue" ? "green" : "blue";
  return {
    [state.activeColor]: 100 - state.candidateWeight,
    [candidate]: state.candidateWeight,
  } as Record<Color, number>;
}

/** The root stack resource, whose props are the stack outputs. */
export function stackOutputs(
  states: Record<string, OutpostState> = { [OUTPOST]: STEADY },
  release = VERSION,
  fingerprint = FINGERPRINT,
): PackResource {
  const outposts = Object.fromEntries(
    Object.entries(states).map(([name, s]) => [
      name,
      {
        outpost: name,
        endpoint: `https://${name}.elb.amazonaws.com`,
        previewEndpoint: `https://${name}.elb.amazonaws.com:8443`,
        activeColor: s.activeColor,
        candidateWeight: s.candidateWeight,
        versions: { blue: s.blueVersion, green: s.greenVersion },
        weights: weightsOf(s),
        targetGroups: { blue: targetGroupArn("blue", name), green: targetGroupArn("green", name) },
        alarms: [],
        cluster: null,
        rollout: null,
      },
    ]),
  );
  return {
    type: "pulumi:pulumi:Stack",
    name: `${PROJECT}-${STACK}`,
    urn: urnOf("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`),
    props: {
      release,
      fingerprint,
      regionGroup: STACK,
      environment: "production",
      target: "aws",
      outposts,
    },
  };
}

/** Both colors, the ALB with its listeners and the alarms of one Outpost, in a given state. */
export function outpostSite(state: OutpostState = STEADY, outpost = OUTPOST): PackResource[] {
  const size = (color: Color) =>
    color === state.activeColor || state.candidateWeight > 0
      ? { min: 2, desired: 3, max: 6 }
      : { min: 0, desired: 0, max: 6 };
  const version = (color: Color) => (color === "blue" ? state.blueVersion : state.greenVersion);
  return [
    ...(["blue", "green"] as const).flatMap((color) => [
      launchTemplate(color, version(color), outpost),
      targetGroup(color, outpost),
      autoScalingGroup(color, version(color), size(color), outpost),
      alarm(color, "5xx", outpost),
      alarm(color, "unhealthy", outpost),
    ]),
    loadBalancer(outpost),
    httpsListener(weightsOf(state), outpost),
    testListener(state.activeColor === "blue" ? "green" : "blue", outpost),
    httpListener(outpost),
  ];
}

/** A copy of a resource with one field changed (a dotted path; undefined deletes it). */
export function withProp(resource: PackResource, path: string, value: unknown): PackResource {
  const props = structuredClone(resource.props);
  const keys = path.split(".");
  let target: Record<string, unknown> = props;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return { ...resource, props };
}

/** The local target's pool of one color (AppPoolInputs in infra/local/providers/pool-types.ts). */
export function localPool(
  color: Color,
  version = VERSION,
  count = 2,
  outpost = "nyc-lab1",
): PackResource {
  return res(
    "pulumi-nodejs:dynamic:Resource",
    `${outpost}-${color}-processes`,
    {
      outpost,
      color,
      version,
      count,
      faults: { errorRate: 0, latencyMs: 0 },
      runDir: "/tmp/run/local-us",
      appEntry: "/repo/app/launch.js",
      readyPath: "/ready",
      tags: { ...colorTags(color, version, outpost), Environment: "staging", Target: "local" },
    },
    ["outpost-fleet:local:OutpostSite", "outpost-fleet:local:AppPool"],
  );
}

/** The local target's HAProxy (BalancerInputs in infra/local/providers/balancer-types.ts). */
export function localBalancer(state: OutpostState = STEADY, outpost = "nyc-lab1"): PackResource {
  return res(
    "pulumi-nodejs:dynamic:Resource",
    `${outpost}-lb-haproxy`,
    {
      outpost,
      activeColor: state.activeColor,
      candidateWeight: state.candidateWeight,
      versions: { blue: state.blueVersion, green: state.greenVersion },
      backend: "storefront",
      slotsPerColor: 2,
      ports: { blue: [40001, 40002], green: [] },
      weights: weightsOf(state),
      runDir: "/tmp/run/local-us",
      haproxyBin: "/usr/sbin/haproxy",
      // Site tags: the balancer serves both colors.
      tags: { ...siteTags(outpost), Environment: "staging", Target: "local" },
    },
    ["outpost-fleet:local:OutpostSite", "outpost-fleet:local:LoadBalancer"],
  );
}

export const LOCAL_CONFIG_ROOT = "/outpost-fleet/staging/us";

/** The local target's config store (ConfigStoreInputs in infra/local/providers/config-store-types.ts). */
export function localConfigStore(release = VERSION, fingerprint = FINGERPRINT): PackResource {
  const root = LOCAL_CONFIG_ROOT;
  return res(
    "pulumi-nodejs:dynamic:Resource",
    "us-config-documents",
    {
      root,
      documents: {
        [`${root}/app`]: JSON.stringify({ name: "storefront" }),
        [`${root}/outposts/nyc-lab1`]: JSON.stringify({ name: "nyc-lab1" }),
        [`${root}/release/version`]: release,
        [`${root}/fingerprint`]: fingerprint,
      },
      storeDir: "/tmp/run/local-us/config-store",
      tags: {
        Environment: "staging",
        Region: "us-east-1",
        DeploymentId: "storefront-staging-us",
        ManagedBy: "outpost-fleet",
        Target: "local",
      },
    },
    ["outpost-fleet:local:ConfigStore"],
  );
}

/** One local Outpost: both pools (the idle one at zero unless it takes traffic) and the balancer. */
export function localSite(state: OutpostState = STEADY, outpost = "nyc-lab1"): PackResource[] {
  const count = (color: Color) =>
    color === state.activeColor || state.candidateWeight > 0 ? 2 : 0;
  const version = (color: Color) => (color === "blue" ? state.blueVersion : state.greenVersion);
  return [
    localPool("blue", version("blue"), count("blue"), outpost),
    localPool("green", version("green"), count("green"), outpost),
    localBalancer(state, outpost),
  ];
}
