/**
 * What AWS answers where moto 5.2.1 cannot reproduce it, for stub clients: each response
 * follows the output shape the AWS SDK v3 documents for its command (the `@example` of
 * `node_modules/@aws-sdk/client-<service>/dist-types/commands/<Command>Command.d.ts`), with
 * the values the API reference documents for the case. The wire suite says, per test, which
 * reads go to moto and which to these.
 */
import type {
  DescribeAlarmsCommandOutput,
  GetMetricDataCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import type { DescribeImageScanFindingsCommandOutput } from "@aws-sdk/client-ecr";
import type { DescribeTargetHealthCommandOutput } from "@aws-sdk/client-elastic-load-balancing-v2";

const metadata = { httpStatusCode: 200, requestId: "c0ffee00-0000-4000-8000-000000000000" };

/**
 * DescribeTargetHealth for a color whose instances fail their health checks: the SDK's
 * documented example ("To describe the health of the targets for a target group": one target
 * healthy, one not) with the second target `unhealthy` for `Target.ResponseCodeMismatch`, a
 * reason the TargetHealth reference documents for that state:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 * moto never reports `unhealthy`: it runs no health checks.
 */
export const UNHEALTHY_TARGETS: DescribeTargetHealthCommandOutput = {
  $metadata: metadata,
  TargetHealthDescriptions: [
    {
      HealthCheckPort: "80",
      Target: { Id: "i-0f76fade435676abc", Port: 80 },
      TargetHealth: { State: "healthy" },
    },
    {
      HealthCheckPort: "80",
      Target: { Id: "i-0f76fade", Port: 80 },
      TargetHealth: {
        State: "unhealthy",
        Reason: "Target.ResponseCodeMismatch",
        Description: "Health checks failed with these codes: [502]",
      },
    },
  ],
};

const ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:444455556666:alarm:";

/**
 * DescribeAlarms of an Outpost's alarm names in two pages, as AWS pages them (NextToken)
 * when asked for both alarm types: the metric alarms first, then the composite alarm that
 * rolls them up, in ALARM. moto returns every alarm on one page whatever MaxRecords, ignores
 * AlarmTypes, and has no PutCompositeAlarm.
 */
export const ALARM_PAGES: readonly DescribeAlarmsCommandOutput[] = [
  {
    $metadata: metadata,
    MetricAlarms: [
      {
        AlarmName: "dub-dc1-alb-5xx",
        AlarmArn: `${ALARM_ARN}dub-dc1-alb-5xx`,
        StateValue: "OK",
        StateReason:
          "Threshold Crossed: 1 datapoint [0.0 (07/12/26 01:00:00)] was not greater than the threshold (5.0).",
        MetricName: "HTTPCode_Target_5XX_Count",
        Namespace: "AWS/ApplicationELB",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 5,
        ComparisonOperator: "GreaterThanThreshold",
      },
    ],
    CompositeAlarms: [],
    NextToken: "AAEAAQAAAAIAAAADZHViAAAAA2RjMQ==",
  },
  {
    $metadata: metadata,
    MetricAlarms: [],
    CompositeAlarms: [
      {
        AlarmName: "dub-dc1-health",
        AlarmArn: `${ALARM_ARN}dub-dc1-health`,
        AlarmRule: 'ALARM("dub-dc1-alb-5xx") OR ALARM("dub-dc1-latency")',
        StateValue: "ALARM",
        StateReason:
          "arn:aws:cloudwatch:eu-west-1:444455556666:alarm:dub-dc1-latency transitioned to ALARM at Monday 07 December, 2026 01:02:00 UTC",
        ActionsEnabled: true,
      },
    ],
  },
];

/**
 * GetMetricData for one color's RequestCount, 5xx (Sum) and TargetResponseTime p99, paged as
 * AWS pages a large result (NextToken, values continuing per Id). moto answers HTTP 500 to a
 * percentile statistic.
 */
export function trafficPages(start: Date): readonly GetMetricDataCommandOutput[] {
  const minute = (n: number) => new Date(start.getTime() + n * 60_000);
  return [
    {
      $metadata: metadata,
      MetricDataResults: [
        {
          Id: "requests",
          Label: "RequestCount",
          Timestamps: [minute(0)],
          Values: [1200],
          StatusCode: "PartialData",
        },
        {
          Id: "errors",
          Label: "HTTPCode_Target_5XX_Count",
          Timestamps: [minute(0)],
          Values: [2],
          StatusCode: "PartialData",
        },
        {
          Id: "latency",
          Label: "TargetResponseTime",
          Timestamps: [minute(0)],
          Values: [0.084],
          StatusCode: "PartialData",
        },
      ],
      NextToken: "eyJwYWdlIjoyfQ==",
      Messages: [],
    },
    {
      $metadata: metadata,
      MetricDataResults: [
        {
          Id: "requests",
          Label: "RequestCount",
          Timestamps: [minute(1)],
          Values: [1300],
          StatusCode: "Complete",
        },
        {
          Id: "errors",
          Label: "HTTPCode_Target_5XX_Count",
          Timestamps: [minute(1)],
          Values: [1],
          StatusCode: "Complete",
        },
        {
          Id: "latency",
          Label: "TargetResponseTime",
          Timestamps: [minute(1)],
          Values: [0.121],
          StatusCode: "Complete",
        },
      ],
      Messages: [],
    },
  ];
}

/**
 * DescribeImageScanFindings of an image under enhanced scanning (Amazon Inspector) in two
 * pages: each page lists its findings (`enhancedFindings`, with Inspector's severities), the
 * counts cover the whole scan. moto returns one stored answer for an image whatever the
 * nextToken, so it cannot page.
 */
export function enhancedScanPages(
  registryId: string,
  repositoryName: string,
  imageTag: string,
): readonly DescribeImageScanFindingsCommandOutput[] {
  const common = {
    $metadata: metadata,
    registryId,
    repositoryName,
    imageId: {
      imageTag,
      imageDigest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234abcd",
    },
    imageScanStatus: {
      status: "ACTIVE" as const,
      description: "Continuous scan is selected for image.",
    },
  };
  const finding = (severity: string, id: string) => ({
    awsAccountId: registryId,
    findingArn: `arn:aws:inspector2:us-east-1:${registryId}:finding/${id}`,
    description: `${id} in openssl`,
    severity,
    status: "ACTIVE",
    type: "PACKAGE_VULNERABILITY",
  });
  return [
    {
      ...common,
      imageScanFindings: {
        findingSeverityCounts: { MEDIUM: 1, LOW: 1 },
        enhancedFindings: [finding("MEDIUM", "0a1b"), finding("LOW", "2c3d")],
      },
      nextToken: "ZW5oYW5jZWQtcGFnZS0y",
    },
    {
      ...common,
      imageScanFindings: {
        findingSeverityCounts: { MEDIUM: 1, LOW: 1 },
        enhancedFindings: [finding("CRITICAL", "4e5f"), finding("UNTRIAGED", "6a7b")],
      },
    },
  ];
}

/**
 * A client that answers with `pages` in order and records each command's input. Asking for
 * more pages than there are, or with a NextToken (nextToken) the last page did not give, is
 * an error, as on AWS.
 */
export function pagedStub<Output extends object>(pages: readonly Output[]) {
  const inputs: Record<string, unknown>[] = [];
  const tokenOf = (page: object) => {
    const { NextToken, nextToken } = page as { NextToken?: string; nextToken?: string };
    return NextToken ?? nextToken;
  };
  let served = 0;
  return {
    inputs,
    send(command: { input: object }): Promise<Output> {
      const input = command.input as Record<string, unknown>;
      inputs.push(input);
      const expected = served === 0 ? undefined : tokenOf(pages[served - 1]);
      const given = tokenOf(input);
      if (served >= pages.length || given !== expected) {
        return Promise.reject(new Error(`InvalidNextToken: ${String(given)}`));
      }
      return Promise.resolve(pages[served++]);
    },
  };
}
