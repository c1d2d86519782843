import { expect } from "chai";
import type { AwsClientConfig } from "../../automation/gates/adapters/aws/aws-gate-clients";
import { awsAlarmStateReader } from "../../automation/gates/adapters/aws/cloudwatch-alarm-reader";
import { awsGetMetricData } from "../../automation/gates/adapters/aws/cloudwatch-traffic";
import { awsTargetHealthReader } from "../../automation/gates/adapters/aws/elb-target-health-reader";
import {
  assumeRoleChain,
  CHAINED_SESSION_SECONDS,
  type CredentialsFor,
  type CredentialsProvider,
  stackRoleCredentials,
} from "../../automation/gates/adapters/aws/gate-credentials";
import type { RoleChain } from "../../automation/gates/adapters/aws/stack-role";

const never = new AbortController().signal;
const EU_ROLE = "arn:aws:iam::444455556666:role/outpost-fleet-deploy-eu";
const STAGING_EU_ROLE = "arn:aws:iam::444455556666:role/outpost-fleet-deploy-staging-eu";
const HOP_ROLE = "arn:aws:iam::111122223333:role/outpost-fleet-hop";

const configs: Record<string, Record<string, unknown>> = {
  eu: { "aws:assumeRoles": [{ roleArn: EU_ROLE, sessionName: "outpost-fleet-driver" }] },
  "eu-again": { "aws:assumeRoles": [{ roleArn: EU_ROLE, sessionName: "outpost-fleet-driver" }] },
  "staging-eu": { "aws:assumeRoles": [{ roleArn: STAGING_EU_ROLE }] },
  chained: {
    "aws:assumeRoles": [
      { roleArn: HOP_ROLE, sessionName: "fleet-hop" },
      { roleArn: EU_ROLE, sessionName: "outpost-fleet-driver" },
    ],
  },
  plain: { "aws:region": "us-east-1" },
  broken: { "aws:assumeRoles": "[secret]" },
};

/** An engine that answers readConfig from `configs` and counts the reads. */
function fakeEngine() {
  const reads: string[] = [];
  return {
    reads,
    readConfig: (stack: string) => {
      reads.push(stack);
      return Promise.resolve(configs[stack] ?? {});
    },
  };
}

/** Stands in for the STS chain: a provider answering with the last role it assumes. */
function fakeAssume() {
  const assumed: RoleChain[] = [];
  const assume = (chain: RoleChain): CredentialsProvider => {
    assumed.push(chain);
    const last = chain[chain.length - 1].roleArn;
    return () => Promise.resolve({ accessKeyId: last, secretAccessKey: "" });
  };
  return { assumed, assume };
}

describe("gates: each stack's credentials (its deploy role)", () => {
  it("assumes the stack's role, reading its config once; stacks on one role share it", async () => {
    const engine = fakeEngine();
    const { assumed, assume } = fakeAssume();
    const credentialsFor = stackRoleCredentials(engine, assume);
    const eu = await credentialsFor("eu");
    expect(await credentialsFor("eu")).to.equal(eu);
    expect(await credentialsFor("eu-again")).to.deep.equal(eu);
    const staging = await credentialsFor("staging-eu");
    expect(staging.id).to.not.equal(eu.id);
    expect(assumed).to.deep.equal([
      [{ roleArn: EU_ROLE, sessionName: "outpost-fleet-driver" }],
      [{ roleArn: STAGING_EU_ROLE }],
    ]);
    expect(engine.reads).to.deep.equal(["eu", "eu-again", "staging-eu"]);
  });

  it("follows a chain of roles; a chain ending in a shared role is other credentials", async () => {
    const { assumed, assume } = fakeAssume();
    const credentialsFor = stackRoleCredentials(fakeEngine(), assume);
    const chained = await credentialsFor("chained");
    expect(chained.id).to.not.equal((await credentialsFor("eu")).id);
    expect(assumed[0]).to.deep.equal([
      { roleArn: HOP_ROLE, sessionName: "fleet-hop" },
      { roleArn: EU_ROLE, sessionName: "outpost-fleet-driver" },
    ]);
  });

  it("keeps the driver's own credentials for a stack without aws:assumeRoles", async () => {
    const { assumed, assume } = fakeAssume();
    expect(await stackRoleCredentials(fakeEngine(), assume)("plain")).to.deep.equal({
      id: "default",
    });
    expect(assumed).to.deep.equal([]);
  });

  it("names the stack and the key when the config is unusable, and reads again next time", async () => {
    const engine = fakeEngine();
    const credentialsFor = stackRoleCredentials(engine, fakeAssume().assume);
    for (let i = 0; i < 2; i++) {
      const failure = await credentialsFor("broken").then(
        () => undefined,
        (err: Error) => err.message,
      );
      expect(failure).to.match(/^stack broken: aws:assumeRoles is a secret/);
    }
    expect(engine.reads).to.deep.equal(["broken", "broken"]);
  });

  it("asks STS for each role in turn, each with the credentials of the one before", async () => {
    const requests: { host: string; signedBy: string; params: Record<string, string> }[] = [];
    // The first hop is assumed with the driver's own credentials (the SDK's default chain).
    const driver = { accessKeyId: "AKIADRIVER", secretAccessKey: "driver" };
    const provider = assumeRoleChain(
      [
        { roleArn: HOP_ROLE, sessionName: "fleet-hop", externalId: "fleet-42" },
        { roleArn: EU_ROLE },
      ],
      { credentials: driver },
    );
    // The SDK calls the provider with the reading client's config (its region and HTTP
    // handler); every hop's STS client takes them. STS answers with recorded responses.
    const identity = await provider({
      callerClientConfig: {
        region: () => Promise.resolve("eu-west-1"),
        requestHandler: {
          handle: (request: {
            hostname: string;
            body: string;
            headers: Record<string, string>;
          }) => {
            const params = Object.fromEntries(new URLSearchParams(request.body));
            const signedBy = /Credential=([A-Z]+)\//.exec(request.headers.authorization)?.[1] ?? "";
            requests.push({ host: request.hostname, signedBy, params });
            const answer = params.RoleArn === HOP_ROLE ? ["ASIAHOP", "hop"] : ["ASIAEU", "eu"];
            return Promise.resolve({
              response: {
                statusCode: 200,
                headers: {},
                body: Buffer.from(assumeRoleResponse(answer[0], answer[1])),
              },
            });
          },
        },
      },
    });
    expect(identity).to.include({ accessKeyId: "ASIAEU", sessionToken: "token-eu" });
    expect(requests.map((r) => [r.host, r.signedBy, r.params.RoleArn])).to.deep.equal([
      ["sts.eu-west-1.amazonaws.com", "AKIADRIVER", HOP_ROLE],
      ["sts.eu-west-1.amazonaws.com", "ASIAHOP", EU_ROLE],
    ]);
    expect(requests[0].params).to.include({
      Action: "AssumeRole",
      RoleSessionName: "fleet-hop",
      ExternalId: "fleet-42",
      DurationSeconds: "3600",
    });
    // A role without a session name gets the driver's; no hop asks for more than an hour.
    expect(requests[1].params).to.include({
      RoleSessionName: "outpost-fleet-gates",
      DurationSeconds: "3600",
    });
    expect(requests[1].params).to.not.have.property("ExternalId");
    expect(CHAINED_SESSION_SECONDS).to.equal(3600);
  });
});

/** STS's AssumeRole answer (API reference, "Examples"), for the given keys. */
const assumeRoleResponse = (keyId: string, name: string) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${keyId}</AccessKeyId>
      <SecretAccessKey>secret-${name}</SecretAccessKey>
      <SessionToken>token-${name}</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
</AssumeRoleResponse>`;

/** Credentials by stack, recording each question; every stack has its own role here. */
function fakeCredentials() {
  const asked: string[] = [];
  const credentialsFor: CredentialsFor = (stack) => {
    asked.push(stack);
    const credentials = () => Promise.resolve({ accessKeyId: stack, secretAccessKey: "" });
    return Promise.resolve({ id: `role-${stack}`, credentials });
  };
  return { asked, credentialsFor };
}

/** A client factory recording each client's config; every client answers with `answer`. */
function fakeClients<T>(answer: T) {
  const made: { region?: string; credentialsOf?: string }[] = [];
  const sent: unknown[] = [];
  const newClient = async (config: AwsClientConfig) => {
    const identity = await config.credentials?.();
    made.push({ region: config.region, credentialsOf: identity?.accessKeyId });
    return {
      send: (command: { input: unknown }) => {
        sent.push(command.input);
        return Promise.resolve({ $metadata: {}, ...answer });
      },
    };
  };
  return { made, sent, newClient };
}

describe("gates: the AWS readers use each stack's credentials", () => {
  const scopes = [
    { stack: "eu", region: "eu-west-1" },
    { stack: "eu", region: "eu-west-1" },
    { stack: "staging-eu", region: "eu-west-1" },
    { stack: "eu", region: "eu-central-1" },
  ];
  const clientsMade = [
    { region: "eu-west-1", credentialsOf: "eu" },
    { region: "eu-west-1", credentialsOf: "staging-eu" },
    { region: "eu-central-1", credentialsOf: "eu" },
  ];

  it("ELB target health: one client per (role, region)", async () => {
    const { asked, credentialsFor } = fakeCredentials();
    const clients = fakeClients({
      TargetHealthDescriptions: [
        { Target: { Id: "i-1", Port: 8080 }, TargetHealth: { State: "healthy" as const } },
      ],
    });
    const reader = awsTargetHealthReader(credentialsFor, clients.newClient);
    for (const scope of scopes) {
      expect(await reader.describe(scope, "arn:tg/green", never)).to.deep.equal([
        { id: "i-1:8080", state: "healthy", reason: undefined },
      ]);
    }
    expect(asked).to.deep.equal(scopes.map((s) => s.stack));
    expect(clients.made).to.deep.equal(clientsMade);
    expect(clients.sent[0]).to.deep.equal({ TargetGroupArn: "arn:tg/green" });
  });

  it("CloudWatch alarms: one client per (role, region)", async () => {
    const { asked, credentialsFor } = fakeCredentials();
    const clients = fakeClients({
      MetricAlarms: [{ AlarmName: "dub-5xx", StateValue: "OK" as const }],
    });
    const reader = awsAlarmStateReader(credentialsFor, clients.newClient);
    for (const scope of scopes) {
      expect(await reader.describe(scope, ["dub-5xx"], never)).to.deep.equal([
        { name: "dub-5xx", state: "OK", reason: undefined },
      ]);
    }
    expect(asked).to.deep.equal(scopes.map((s) => s.stack));
    expect(clients.made).to.deep.equal(clientsMade);
    expect(clients.sent[0]).to.deep.include({ AlarmNames: ["dub-5xx"] });
  });

  it("CloudWatch metrics: one client per (role, region)", async () => {
    const { asked, credentialsFor } = fakeCredentials();
    const clients = fakeClients({ MetricDataResults: [{ Id: "requests", Values: [3] }] });
    const getMetricData = awsGetMetricData(credentialsFor, clients.newClient);
    const input = { MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date(60_000) };
    for (const scope of scopes) {
      expect(await getMetricData(scope, input, never)).to.deep.equal([
        { Id: "requests", Values: [3] },
      ]);
    }
    expect(asked).to.deep.equal(scopes.map((s) => s.stack));
    expect(clients.made).to.deep.equal(clientsMade);
  });

  it("without a credentials source, reads with the driver's own credentials, per region", async () => {
    const clients = fakeClients({ TargetHealthDescriptions: [] });
    const reader = awsTargetHealthReader(undefined, clients.newClient);
    await reader.describe({ stack: "eu", region: "eu-west-1" }, "arn:tg/blue", never);
    await reader.describe({ stack: "apac", region: "eu-west-1" }, "arn:tg/blue", never);
    expect(clients.made).to.deep.equal([{ region: "eu-west-1", credentialsOf: undefined }]);
  });
});
