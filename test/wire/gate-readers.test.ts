/**
 * The gates' AWS readers on the wire: the real adapters, with real SDK clients, against
 * moto_server on loopback (a real implementation of the AWS APIs: serialisation, signing,
 * accounts, error codes). The driver runs as CodeBuild does, on a role session in the control
 * account; each stack's reads go through its `aws:assumeRoles` chain into the stack's account.
 * Where moto cannot reproduce AWS, the test says so, checks moto's own behaviour (so a moto
 * that changes is noticed), and runs the same adapter on a stub client answering the shapes
 * of recorded-responses.ts.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as cloudwatch from "@aws-sdk/client-cloudwatch";
import * as ecr from "@aws-sdk/client-ecr";
import * as elb from "@aws-sdk/client-elastic-load-balancing-v2";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsClientConfig } from "../../automation/gates/adapters/aws/aws-gate-clients";
import { awsAlarmStateReader } from "../../automation/gates/adapters/aws/cloudwatch-alarm-reader";
import {
  awsGetMetricData,
  cloudWatchTrafficSource,
  colorMetricQueries,
  trafficFromResults,
} from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import { awsScanFindingsReader } from "../../automation/gates/adapters/aws/ecr-scan-findings-reader";
import { awsTargetHealthReader } from "../../automation/gates/adapters/aws/elb-target-health-reader";
import {
  assumeRoleChain,
  type CredentialsFor,
  stackRoleCredentials,
} from "../../automation/gates/adapters/aws/gate-credentials";
import { CloudWatchAlarmGate } from "../../automation/gates/cloudwatch-alarm-gate";
import { EcrScanGate } from "../../automation/gates/ecr-scan-gate";
import { ElbTargetHealthGate } from "../../automation/gates/elb-target-health-gate";
import type { GateTarget } from "../../automation/gates/gate";
import type { OutpostOutputs } from "../../infra/contract";
import { createVpc } from "./support/boto3-seed";
import {
  type AwsCredentials,
  DRIVER_ACCOUNT,
  DRIVER_CREDENTIALS,
  MotoServer,
} from "./support/moto-server";
import {
  ALARM_PAGES,
  enhancedScanPages,
  pagedStub,
  trafficPages,
  UNHEALTHY_TARGETS,
} from "./support/recorded-responses";

const REGION = "eu-west-1";
const EU_ACCOUNT = "444455556666";
/** The build project's role, which CodeBuild's credentials are a session of. */
const BUILD_ROLE = `arn:aws:iam::${DRIVER_ACCOUNT}:role/outpost-fleet-codebuild`;
const HOP_ROLE = `arn:aws:iam::${DRIVER_ACCOUNT}:role/outpost-fleet-hop`;
const never = new AbortController().signal;

/** The `config` map of Pulumi.<stack>.yaml, as the engine's readConfig returns it. */
function stackFileConfig(stack: string): Record<string, unknown> {
  const file = path.resolve(__dirname, `../../Pulumi.${stack}.yaml`);
  return (parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

/** Each stack's config as the gates read it: the real eu stack, a chained variant, none. */
function stackConfigs(): Record<string, Record<string, unknown>> {
  const eu = stackFileConfig("eu");
  const [deploy] = eu["aws:assumeRoles"] as { roleArn: string; sessionName: string }[];
  return {
    eu,
    "eu-chained": {
      ...eu,
      "aws:assumeRoles": [{ roleArn: HOP_ROLE, sessionName: "outpost-fleet-hop" }, deploy],
    },
    plain: { "aws:region": REGION },
  };
}

const seconds = (from: Date, to: Date | undefined) =>
  ((to?.getTime() ?? NaN) - from.getTime()) / 1000;

describe("wire: the gates' AWS readers (moto_server)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  /** CodeBuild's credentials: a session of the build role in the control account. */
  let driver: AwsCredentials;
  let credentialsFor: CredentialsFor;
  /** The eu stack's deploy role session: what seeds the eu account. */
  let euSession: AwsCredentials;
  const configs = stackConfigs();
  const engine = {
    readConfig: (stack: string) => Promise.resolve(configs[stack] ?? {}),
  };
  /**
   * A reader's client factory, pointed at moto. A client made without credentials takes the
   * SDK's default chain, which in CodeBuild resolves to the build role's session: `driver`.
   */
  const onMoto =
    <C>(
      make: (config: {
        endpoint: string;
        region?: string;
        credentials: NonNullable<AwsClientConfig["credentials"]> | AwsCredentials;
      }) => C,
    ) =>
    (config: AwsClientConfig) =>
      Promise.resolve(make({ credentials: driver, ...config, endpoint: moto.endpoint }));

  before(async () => {
    moto = await MotoServer.start();
    driver = await fromTemporaryCredentials({
      params: { RoleArn: BUILD_ROLE, RoleSessionName: "codebuild-build" },
      clientConfig: moto.clientConfig("us-east-1", DRIVER_CREDENTIALS),
    })();
    credentialsFor = stackRoleCredentials(engine, (chain) =>
      assumeRoleChain(chain, { endpoint: moto.endpoint, region: REGION, credentials: driver }),
    );
    const eu = await credentialsFor("eu");
    euSession = await eu.credentials!({});
  });
  after(async () => moto?.stop());

  describe("the gates' credentials (STS AssumeRole through the stack's chain)", () => {
    it("land in the stack's account, each session for an hour; a stack without roles reads as the driver", async () => {
      const cw = new cloudwatch.CloudWatchClient(moto.clientConfig(REGION, euSession));
      await cw.send(
        new cloudwatch.PutMetricAlarmCommand({
          AlarmName: "dub-dc1-alb-5xx",
          Namespace: "AWS/ApplicationELB",
          MetricName: "HTTPCode_Target_5XX_Count",
          Statistic: "Sum",
          Period: 60,
          EvaluationPeriods: 3,
          Threshold: 5,
          ComparisonOperator: "GreaterThanThreshold",
        }),
      );
      const described = await cw.send(
        new cloudwatch.DescribeAlarmsCommand({ AlarmNames: ["dub-dc1-alb-5xx"] }),
      );
      expect(described.MetricAlarms?.[0].AlarmArn).to.equal(
        `arn:aws:cloudwatch:${REGION}:${EU_ACCOUNT}:alarm:dub-dc1-alb-5xx`,
      );

      const chained = await credentialsFor("eu-chained");
      const before = new Date();
      const session = await chained.credentials!({});
      // moto stamps the expiry to the microsecond, after `before`.
      expect(seconds(before, session.expiration)).to.be.within(3500, 3601);

      const gate = new CloudWatchAlarmGate(
        awsAlarmStateReader(
          credentialsFor,
          onMoto((c) => new cloudwatch.CloudWatchClient(c)),
        ),
      );
      const target = gateTarget({ alarms: ["dub-dc1-alb-5xx"] });
      // Through hop -> deploy: the eu account's alarm. With the driver's own credentials
      // (the control account) there is no such alarm.
      expect(await gate.measure({ ...target, stack: "eu-chained" }, never)).to.include({
        verdict: "pass",
      });
      expect(await gate.measure({ ...target, stack: "plain" }, never)).to.deep.equal({
        verdict: "error",
        detail: "alarms not found: dub-dc1-alb-5xx",
      });
    });

    it("moto grants a chained session over an hour, which STS refuses: the hour is held by gate-credentials.test.ts", async () => {
      const long = await fromTemporaryCredentials({
        params: { RoleArn: HOP_ROLE, RoleSessionName: "too-long", DurationSeconds: 7200 },
        clientConfig: moto.clientConfig(REGION, driver),
      })();
      expect(seconds(new Date(), long.expiration)).to.be.above(7000);
    });
  });

  describe("ELB target health (DescribeTargetHealth)", () => {
    it("moto: the candidate's registered targets are healthy, an empty group is pending", async () => {
      const client = new elb.ElasticLoadBalancingV2Client(moto.clientConfig(REGION, euSession));
      const vpc = await createVpc(moto, REGION, euSession);
      const group = async (name: string, ips: string[]) => {
        const made = await client.send(
          new elb.CreateTargetGroupCommand({
            Name: name,
            Protocol: "HTTP",
            Port: 8080,
            VpcId: vpc,
            TargetType: "ip",
            HealthCheckPath: "/ready",
          }),
        );
        const arn = made.TargetGroups?.[0].TargetGroupArn ?? "";
        if (ips.length > 0) {
          await client.send(
            new elb.RegisterTargetsCommand({
              TargetGroupArn: arn,
              Targets: ips.map((Id) => ({ Id, Port: 8080 })),
            }),
          );
        }
        return arn;
      };
      const targetGroups = {
        blue: await group("dub-dc1-blue", []),
        green: await group("dub-dc1-green", ["10.0.1.10", "10.0.1.11"]),
      };
      expect(targetGroups.green).to.match(
        new RegExp(
          `^arn:aws:elasticloadbalancing:${REGION}:${EU_ACCOUNT}:targetgroup/dub-dc1-green/`,
        ),
      );
      const gate = new ElbTargetHealthGate(
        awsTargetHealthReader(
          credentialsFor,
          onMoto((c) => new elb.ElasticLoadBalancingV2Client(c)),
        ),
      );
      const verify = gateTarget({ targetGroups }, { phase: "verify", candidateColor: "green" });
      expect(await gate.measure(verify, never)).to.deep.equal({
        verdict: "pass",
        detail: "green: 2/2 healthy",
      });
      const idle = gateTarget({ targetGroups }, { phase: "verify", candidateColor: "blue" });
      expect(await gate.measure(idle, never)).to.deep.equal({
        verdict: "pending",
        detail: "blue: no registered targets yet",
      });
    });

    it("recorded AWS shape: a target failing its health checks fails the gate (moto runs none)", async () => {
      const stub = pagedStub([UNHEALTHY_TARGETS]);
      const gate = new ElbTargetHealthGate(
        awsTargetHealthReader(credentialsFor, () => Promise.resolve(stub)),
      );
      const result = await gate.measure(gateTarget({}, { phase: "verify" }), never);
      expect(result).to.deep.equal({
        verdict: "fail",
        detail:
          "green: 1/2 targets unhealthy (i-0f76fade:80: Health checks failed with these codes: [502])",
      });
      expect(stub.inputs).to.deep.equal([{ TargetGroupArn: "arn:tg/green" }]);
    });
  });

  describe("CloudWatch alarms (DescribeAlarms)", () => {
    it("moto: an alarm in ALARM fails the gate, naming it and its reason", async () => {
      const cw = new cloudwatch.CloudWatchClient(moto.clientConfig(REGION, euSession));
      for (const name of ["dub-dc2-alb-5xx", "dub-dc2-latency"]) {
        await cw.send(
          new cloudwatch.PutMetricAlarmCommand({
            AlarmName: name,
            Namespace: "AWS/ApplicationELB",
            MetricName: "TargetResponseTime",
            ExtendedStatistic: "p99",
            Period: 60,
            EvaluationPeriods: 3,
            Threshold: 0.5,
            ComparisonOperator: "GreaterThanThreshold",
          }),
        );
      }
      await cw.send(
        new cloudwatch.SetAlarmStateCommand({
          AlarmName: "dub-dc2-latency",
          StateValue: "ALARM",
          StateReason: "Threshold Crossed: 3 datapoints were greater than the threshold (0.5).",
        }),
      );
      const gate = new CloudWatchAlarmGate(
        awsAlarmStateReader(
          credentialsFor,
          onMoto((c) => new cloudwatch.CloudWatchClient(c)),
        ),
      );
      const result = await gate.measure(
        gateTarget({ alarms: ["dub-dc2-alb-5xx", "dub-dc2-latency"] }),
        never,
      );
      expect(result).to.deep.equal({
        verdict: "fail",
        detail:
          "in ALARM: dub-dc2-latency (Threshold Crossed: 3 datapoints were greater than the threshold (0.5).)",
      });
    });

    it("moto ignores AlarmTypes and MaxRecords (never a NextToken) and has no composite alarms", async () => {
      const cw = new cloudwatch.CloudWatchClient(moto.clientConfig(REGION, euSession));
      const only = await cw.send(
        new cloudwatch.DescribeAlarmsCommand({
          AlarmNames: ["dub-dc2-alb-5xx", "dub-dc2-latency"],
          AlarmTypes: ["CompositeAlarm"],
          MaxRecords: 1,
        }),
      );
      expect(only.MetricAlarms?.map((a) => a.AlarmName)).to.have.members([
        "dub-dc2-alb-5xx",
        "dub-dc2-latency",
      ]);
      expect(only.NextToken).to.equal(undefined);
      const composite = await cw
        .send(
          new cloudwatch.PutCompositeAlarmCommand({
            AlarmName: "dub-dc2-health",
            AlarmRule: 'ALARM("dub-dc2-latency")',
          }),
        )
        .then(
          () => "created",
          () => "not implemented",
        );
      expect(composite).to.equal("not implemented");
    });

    it("recorded AWS shape: a composite alarm in ALARM on the second page fails the gate", async () => {
      const stub = pagedStub(ALARM_PAGES);
      const gate = new CloudWatchAlarmGate(
        awsAlarmStateReader(credentialsFor, () => Promise.resolve(stub)),
      );
      const names = ["dub-dc1-alb-5xx", "dub-dc1-health"];
      const result = await gate.measure(gateTarget({ alarms: names }), never);
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.match(/^in ALARM: dub-dc1-health \(arn:aws:cloudwatch:/);
      expect(stub.inputs).to.deep.equal([
        { AlarmNames: names, AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 100 },
        {
          AlarmNames: names,
          AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
          MaxRecords: 100,
          NextToken: ALARM_PAGES[0].NextToken,
        },
      ]);
    });
  });

  describe("CloudWatch traffic (GetMetricData)", () => {
    const trafficStats = {
      kind: "cloudwatch" as const,
      loadBalancer: "app/dub-dc1-alb/50dc6c495c0c9188",
      targetGroups: {
        blue: "targetgroup/dub-dc1-blue/73e2d6bc24d8a067",
        green: "targetgroup/dub-dc1-green/943f017f100becff",
      },
    };

    it("moto: a color's own RequestCount and 5xx Sums, not the other color's", async () => {
      const cw = new cloudwatch.CloudWatchClient(moto.clientConfig(REGION, euSession));
      const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
      const datum = (
        color: "blue" | "green",
        MetricName: string,
        Value: number,
        minute: number,
      ) => ({
        MetricName,
        Value,
        Unit: "Count" as const,
        Timestamp: new Date(start.getTime() + minute * 60_000 + 5_000),
        Dimensions: [
          { Name: "TargetGroup", Value: trafficStats.targetGroups[color] },
          { Name: "LoadBalancer", Value: trafficStats.loadBalancer },
        ],
      });
      await cw.send(
        new cloudwatch.PutMetricDataCommand({
          Namespace: "AWS/ApplicationELB",
          MetricData: [
            datum("green", "RequestCount", 120, 0),
            datum("green", "RequestCount", 180, 1),
            datum("green", "HTTPCode_Target_5XX_Count", 3, 1),
            datum("blue", "RequestCount", 900, 1),
            datum("blue", "HTTPCode_Target_5XX_Count", 40, 1),
          ],
        }),
      );
      const getMetricData = awsGetMetricData(
        credentialsFor,
        onMoto((c) => new cloudwatch.CloudWatchClient(c)),
      );
      const target = gateTarget({ trafficStats });
      const sums = colorMetricQueries(target, "green").filter((q) => q.MetricStat.Stat === "Sum");
      const results = await getMetricData(
        { stack: "eu", region: REGION },
        { MetricDataQueries: sums, StartTime: start, EndTime: new Date() },
        never,
      );
      expect(trafficFromResults(results)).to.deep.include({ requests: 300, errors: 3 });
    });

    it("moto answers a percentile statistic (the p99 query) over data with a server error", async () => {
      const cw = new cloudwatch.CloudWatchClient(moto.clientConfig(REGION, euSession));
      await cw.send(
        new cloudwatch.PutMetricDataCommand({
          Namespace: "AWS/ApplicationELB",
          MetricData: [
            {
              MetricName: "TargetResponseTime",
              Value: 0.084,
              Unit: "Seconds",
              Timestamp: new Date(Date.now() - 60_000),
              Dimensions: [
                { Name: "TargetGroup", Value: trafficStats.targetGroups.green },
                { Name: "LoadBalancer", Value: trafficStats.loadBalancer },
              ],
            },
          ],
        }),
      );
      const getMetricData = awsGetMetricData(
        credentialsFor,
        onMoto((c) => new cloudwatch.CloudWatchClient({ ...c, maxAttempts: 1 })),
      );
      const p99 = colorMetricQueries(gateTarget({ trafficStats }), "green").filter(
        (q) => q.MetricStat.Stat === "p99",
      );
      const answer = await getMetricData(
        { stack: "eu", region: REGION },
        { MetricDataQueries: p99, StartTime: new Date(Date.now() - 120_000), EndTime: new Date() },
        never,
      ).then(
        () => 200,
        (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
      );
      expect(answer).to.equal(500);
    });

    it("recorded AWS shape: the candidate's requests, errors and p99 over every page", async () => {
      const start = new Date(Date.UTC(2026, 11, 7, 1, 0));
      const stub = pagedStub(trafficPages(start));
      const source = cloudWatchTrafficSource(
        awsGetMetricData(credentialsFor, () => Promise.resolve(stub)),
        () => start.getTime() + 150_000,
      );
      const target = gateTarget({ trafficStats });
      const traffic = await source.since(target, "green", { at: start.getTime() + 20_000 }, never);
      expect(traffic).to.deep.equal({
        requests: 2500,
        errors: 3,
        responseTimeMs: 121,
        responseTimeStat: "p99",
      });
      expect(stub.inputs.map((i) => i.NextToken)).to.deep.equal([undefined, "eyJwYWdlIjoyfQ=="]);
      expect((stub.inputs[0].StartTime as Date).toISOString()).to.equal("2026-12-07T01:00:00.000Z");
    });
  });

  describe("ECR image scan (DescribeImageScanFindings, the driver's own credentials)", () => {
    const repository = `${DRIVER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/storefront`;
    const scanGate = (
      reader = awsScanFindingsReader((region) =>
        Promise.resolve(new ecr.ECRClient(moto.clientConfig(region, driver))),
      ),
    ) => new EcrScanGate(reader, () => repository, "HIGH");
    const release = (version: string) => gateTarget({}, { release: version, phase: "test" });

    it("moto: findings at HIGH fail, lower ones pass, an unscanned image and a missing tag fail", async () => {
      const client = new ecr.ECRClient(moto.clientConfig("us-east-1", driver));
      await client.send(
        new ecr.CreateRepositoryCommand({
          repositoryName: "storefront",
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
        }),
      );
      for (const [tag, size] of [
        ["2.0.0", 1],
        ["2.1.0", 2],
        ["2.2.0", 3],
      ] as const) {
        await client.send(
          new ecr.PutImageCommand({
            repositoryName: "storefront",
            imageTag: tag,
            imageManifest: JSON.stringify({
              schemaVersion: 2,
              mediaType: "application/vnd.docker.distribution.manifest.v2+json",
              config: {
                mediaType: "application/vnd.docker.container.image.v1+json",
                size,
                digest: `sha256:${String(size).repeat(64)}`,
              },
              layers: [],
            }),
          }),
        );
      }
      // moto does not scan on push: the scans are started here, with the findings AWS's basic
      // scanning would report (moto's own API sets them).
      const findings = (tag: string, counts: Record<string, number>) => ({
        registryId: DRIVER_ACCOUNT,
        repositoryName: "storefront",
        imageId: { imageTag: tag },
        imageScanStatus: {
          status: "COMPLETE",
          description: "The scan was completed successfully.",
        },
        imageScanFindings: { findingSeverityCounts: counts, findings: [] },
      });
      await moto.motoApi("static/ecr/scan-finding-results", {
        account_id: DRIVER_ACCOUNT,
        region: "us-east-1",
        results: [findings("2.0.0", { LOW: 3 }), findings("2.1.0", { HIGH: 1, MEDIUM: 2 })],
      });
      for (const tag of ["2.0.0", "2.1.0"]) {
        await client.send(
          new ecr.StartImageScanCommand({
            repositoryName: "storefront",
            imageId: { imageTag: tag },
          }),
        );
      }
      const gate = scanGate();
      expect(await gate.measure(release("2.1.0"), never)).to.deep.include({
        verdict: "fail",
        detail: `${repository}:2.1.0: 1 HIGH, 2 MEDIUM; fails at HIGH or above`,
      });
      expect((await gate.measure(release("2.0.0"), never)).verdict).to.equal("pass");
      expect(await gate.measure(release("2.2.0"), never)).to.deep.equal({
        verdict: "fail",
        detail: `no scan for ${repository}:2.2.0; scan on push must be on`,
      });
      expect(await gate.measure(release("9.9.9"), never)).to.deep.equal({
        verdict: "fail",
        detail: `image 9.9.9 not found in ${repository}`,
      });
    });

    it("recorded AWS shape: enhanced (Inspector) findings counted over every page", async () => {
      const pages = enhancedScanPages(DRIVER_ACCOUNT, "storefront", "2.3.0");
      const stub = pagedStub(pages);
      const result = await scanGate(awsScanFindingsReader(() => Promise.resolve(stub))).measure(
        release("2.3.0"),
        never,
      );
      expect(result.detail).to.equal(
        `${repository}:2.3.0: 1 CRITICAL, 1 MEDIUM, 1 LOW, 1 UNDEFINED; fails at HIGH or above`,
      );
      expect(stub.inputs.map((i) => i.nextToken)).to.deep.equal([undefined, pages[0].nextToken]);
    });
  });
});

/** An eu Outpost as the gates see it; outputs and target fields as the test needs. */
function gateTarget(
  outputs: Partial<OutpostOutputs>,
  fields: Partial<GateTarget> = {},
): GateTarget {
  return {
    stack: "eu",
    outpost: "dub-dc1",
    target: "aws",
    awsRegion: REGION,
    phase: "bake",
    release: "2.1.0",
    previousVersion: "2.0.0",
    candidateColor: "green",
    ...fields,
    outputs: {
      outpost: "dub-dc1",
      endpoint: "https://dub-dc1-alb-1234567890.eu-west-1.elb.amazonaws.com",
      previewEndpoint: "https://dub-dc1-alb-1234567890.eu-west-1.elb.amazonaws.com:8443",
      serviceDomain: "shop.eu.example.com",
      trafficStats: {
        kind: "cloudwatch",
        loadBalancer: "app/dub-dc1-alb/50dc6c495c0c9188",
        targetGroups: { blue: "targetgroup/blue/1", green: "targetgroup/green/2" },
      },
      activeColor: "blue",
      candidateWeight: 0,
      versions: { blue: "2.0.0", green: "2.1.0" },
      weights: { blue: 100, green: 0 },
      targetGroups: { blue: "arn:tg/blue", green: "arn:tg/green" },
      alarms: [],
      cluster: null,
      rollout: null,
      ...outputs,
    },
  };
}
