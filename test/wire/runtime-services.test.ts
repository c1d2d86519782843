/**
 * The runtime's other AWS adapters on the wire, against moto_server: the app's runtime
 * settings from SSM (app/ssm-runtime-settings.ts), the notification sinks' URLs from Secrets
 * Manager (automation/notify/sink-url.ts) and the release metrics sink's PutMetricData
 * (automation/metrics/metrics-sink.ts). Every read and write here goes to moto.
 */
import { expect } from "chai";
import * as cloudwatch from "@aws-sdk/client-cloudwatch";
import * as secrets from "@aws-sdk/client-secrets-manager";
import * as ssm from "@aws-sdk/client-ssm";
import { AppConfigError } from "../../app/app-options";
import { DEFAULT_RUNTIME_SETTINGS, runtimeDocument } from "../../app/runtime-settings";
import { readSsmRuntimeSettings, ssmParameterReader } from "../../app/ssm-runtime-settings";
import type { JournalEvent, JournalEventBody } from "../../automation/journal/journal-events";
import { metricsSinkFrom } from "../../automation/metrics/metrics-sink";
import { resolveSinkUrl, secretsManagerReader } from "../../automation/notify/sink-url";
import { RELEASE_METRICS_NAMESPACE } from "../../infra/control/release-metric-names";
import { DRIVER_CREDENTIALS, MotoServer } from "./support/moto-server";

const REGION = "eu-west-1";

describe("wire: SSM, Secrets Manager and the metrics sink (moto_server)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  before(async () => {
    moto = await MotoServer.start();
  });
  after(async () => moto?.stop());

  describe("the app's runtime settings (SSM GetParameter)", () => {
    const root = "/outpost-fleet/production/eu";
    const settings = { ...DEFAULT_RUNTIME_SETTINGS, databasePoolSize: 40, complianceMode: "GDPR" };

    it("reads <root>/runtime as the stack's config store wrote it, and refuses a tampered one", async () => {
      const client = new ssm.SSMClient(moto.clientConfig(REGION));
      const put = (name: string, value: string) =>
        client.send(
          new ssm.PutParameterCommand({
            Name: name,
            Value: value,
            Type: "String",
            Overwrite: true,
          }),
        );
      await put(`${root}/runtime`, JSON.stringify(runtimeDocument(settings)));
      const reader = await ssmParameterReader(REGION, client);
      expect(await readSsmRuntimeSettings(root, reader)).to.deep.equal(settings);

      const tampered = {
        ...runtimeDocument(settings),
        settings: { ...settings, databasePoolSize: 41 },
      };
      await put(`${root}/runtime`, JSON.stringify(tampered));
      const refused = await readSsmRuntimeSettings(root, reader).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(refused).to.be.instanceOf(AppConfigError);
      expect(refused?.message).to.contain(`SSM parameter ${root}/runtime fingerprint=`);
    });

    it("a parameter that does not exist is the app's config error naming it, not an SDK error", async () => {
      const reader = await ssmParameterReader(REGION, new ssm.SSMClient(moto.clientConfig(REGION)));
      const missing = await readSsmRuntimeSettings(
        "/outpost-fleet/production/nowhere",
        reader,
      ).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(missing).to.be.instanceOf(AppConfigError);
      expect(missing?.message).to.contain(
        "SSM parameter /outpost-fleet/production/nowhere/runtime has no value",
      );
    });
  });

  describe("a notification sink's URL (Secrets Manager GetSecretValue)", () => {
    const url = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX";

    /**
     * The reader as the driver runs it: its own client from the SDK's default chain, pointed
     * at moto by AWS_ENDPOINT_URL_SECRETS_MANAGER (the SDK's service endpoint variable, as a
     * VPC endpoint would be), credentials from the environment.
     */
    async function withDriverEnvironment<T>(body: () => Promise<T>): Promise<T> {
      const saved = { ...process.env };
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
        AWS_ACCESS_KEY_ID: DRIVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DRIVER_CREDENTIALS.secretAccessKey,
        AWS_REGION: REGION,
      });
      delete process.env.AWS_PROFILE;
      delete process.env.AWS_SESSION_TOKEN;
      try {
        return await body();
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    }

    it("resolves a plain secret and a JSON key; a missing key names the secret, never the value", async () => {
      const client = new secrets.SecretsManagerClient(moto.clientConfig(REGION));
      await client.send(
        new secrets.CreateSecretCommand({ Name: "outpost-fleet/slack-webhook", SecretString: url }),
      );
      await client.send(
        new secrets.CreateSecretCommand({
          Name: "outpost-fleet/webhooks",
          SecretString: JSON.stringify({ teams: `${url}/teams`, slack: url }),
        }),
      );
      const resolved = await withDriverEnvironment(async () => [
        await resolveSinkUrl(
          { secretsManager: { secretId: "outpost-fleet/slack-webhook" } },
          {},
          secretsManagerReader,
        ),
        await resolveSinkUrl(
          {
            secretsManager: {
              secretId: "outpost-fleet/webhooks",
              region: REGION,
              jsonKey: "teams",
            },
          },
          {},
          secretsManagerReader,
        ),
        await resolveSinkUrl(
          { secretsManager: { secretId: "outpost-fleet/webhooks", jsonKey: "pager" } },
          {},
          secretsManagerReader,
        ).catch((err: Error) => err.message),
      ]);
      expect(resolved).to.deep.equal([
        url,
        `${url}/teams`,
        "Secrets Manager secret outpost-fleet/webhooks (key pager): no string at that key",
      ]);
      expect(resolved[2]).to.not.contain("hooks.slack.com");
    });

    it("a secret that does not exist is Secrets Manager's ResourceNotFoundException", async () => {
      const failure = await withDriverEnvironment(() =>
        secretsManagerReader("outpost-fleet/none", REGION).then(
          () => undefined,
          (err: Error) => err.name,
        ),
      );
      expect(failure).to.equal("ResourceNotFoundException");
    });
  });

  describe("the release metrics sink (CloudWatch PutMetricData)", () => {
    it("puts each figure in OutpostFleet/Releases with its dimensions, as the dashboard reads them", async () => {
      const client = new cloudwatch.CloudWatchClient(moto.clientConfig("us-east-1"));
      const sink = metricsSinkFrom(
        { OUTPOST_FLEET_METRICS: "cloudwatch" },
        "2.1.0",
        undefined,
        client,
      );
      const start = Date.now() - 10 * 60_000;
      let seq = 0;
      const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
      const event = (body: Record<string, unknown>, minutes: number): JournalEvent => ({
        ...(body as unknown as JournalEventBody),
        seq: ++seq,
        at: at(minutes),
      });
      const gate = (verdict: "pass" | "fail") => ({
        gate: "error-rate",
        verdict,
        detail: "",
        figures: [],
      });
      for (const e of [
        event({ type: "release-started", attempt: 1 }, 0),
        event({ type: "wave-started", wave: "us" }, 0),
        event({ type: "wave-completed", wave: "us" }, 3),
        event({ type: "wave-started", wave: "eu" }, 3),
        event(
          {
            type: "gate-evaluated",
            wave: "eu",
            batch: 1,
            step: "canary",
            stage: "dub",
            gates: [gate("fail"), gate("fail")],
          },
          4,
        ),
        event(
          { type: "rollback-started", cause: "failure", scope: "wave", stages: [], reason: "gate" },
          4,
        ),
        event({ type: "release-finished", outcome: "rolled-back" }, 5),
      ]) {
        sink.record(e);
      }
      await sink.close();

      const listed = await client.send(
        new cloudwatch.ListMetricsCommand({ Namespace: RELEASE_METRICS_NAMESPACE }),
      );
      const seen = (listed.Metrics ?? [])
        .map(
          (m) =>
            `${m.MetricName} ${(m.Dimensions ?? [])
              .map((d) => `${d.Name}=${d.Value}`)
              .sort()
              .join(",")}`,
        )
        .sort();
      expect(seen).to.deep.equal([
        "GateFailures Region=eu,Release=2.1.0",
        "ReleaseDuration Release=2.1.0",
        "Rollbacks Region=eu,Release=2.1.0",
        "WavesCompleted Region=us,Release=2.1.0",
      ]);
      const sum = async (MetricName: string, Dimensions: { Name: string; Value: string }[]) => {
        const stats = await client.send(
          new cloudwatch.GetMetricStatisticsCommand({
            Namespace: RELEASE_METRICS_NAMESPACE,
            MetricName,
            Dimensions,
            StartTime: new Date(start - 60_000),
            EndTime: new Date(),
            Period: 3600,
            Statistics: ["Sum"],
          }),
        );
        return (stats.Datapoints ?? []).reduce((total, d) => total + (d.Sum ?? 0), 0);
      };
      expect(
        await sum("GateFailures", [
          { Name: "Release", Value: "2.1.0" },
          { Name: "Region", Value: "eu" },
        ]),
      ).to.equal(2);
      expect(await sum("ReleaseDuration", [{ Name: "Release", Value: "2.1.0" }])).to.equal(300);
    });
  });
});
