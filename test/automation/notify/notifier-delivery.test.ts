import { expect } from "chai";
import type { ExecutorDeps } from "../../../automation/executor/execution-context";
import {
  type NotificationSettings,
  notificationSettingsSchema,
} from "../../../automation/notify/notification-settings";
import { Notifier } from "../../../automation/notify/notifier";
import { NOTIFICATION_SCHEMA } from "../../../automation/notify/generic-webhook-payload";
import { resolveSinkUrl } from "../../../automation/notify/sink-url";
import { parseDriverSettings } from "../../../automation/settings/driver-settings";
import { createLogger } from "../../../automation/support/logger";
import { UserError } from "../../../automation/support/user-error";
import { type Answer, HttpReceiver, type ReceivedRequest } from "../support/http-receiver";
import { FigureGates, recordRelease } from "../support/live-fixture";

/** A logger whose every line the test can read (and search for secrets). */
function capturedLog() {
  const lines: string[] = [];
  const log = createLogger({
    json: true,
    level: "debug",
    destination: { write: (line: string) => lines.push(line) },
  });
  return { log, text: () => lines.join("") };
}

const settings = (raw: object): NotificationSettings => notificationSettingsSchema.parse(raw);

/** Runs a release with the real executor, notifying through `notifier` from onEvent. */
async function releaseWith(
  makeNotifier: (deps: ExecutorDeps) => Notifier,
  gates = new FigureGates(),
) {
  let notifier: Notifier | undefined;
  const started = Date.now();
  const recorded = await recordRelease({
    gates,
    deps: (deps) => {
      const made = makeNotifier(deps);
      notifier = made;
      return { ...deps, onEvent: (event) => made.notify(event) };
    },
  });
  const runMs = Date.now() - started;
  if (!notifier) throw new Error("no notifier was made");
  return { notifier, runMs, events: recorded.events };
}

const SECRET = "T000/B000/XXXXsecretXXXX";

describe("notifications: delivery to real HTTP receivers", function () {
  this.timeout(30_000);
  let receiver: HttpReceiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
  });

  it("sends the generic JSON, the Slack message and the Teams Adaptive Card", async () => {
    receiver = await HttpReceiver.start();
    const r = receiver;
    const env = {
      GENERIC_URL: r.url(`/generic/${SECRET}`),
      SLACK_URL: r.url(`/slack/${SECRET}`),
      TEAMS_URL: r.url(`/teams/${SECRET}`),
    };
    const { log, text } = capturedLog();
    const { notifier, events } = await releaseWith(
      (deps) =>
        new Notifier({
          settings: settings({
            sinks: [
              { name: "audit", type: "webhook", url: { env: "GENERIC_URL" } },
              {
                name: "ops-slack",
                type: "slack",
                url: { env: "SLACK_URL" },
                events: ["gate-failed", "release-finished"],
              },
              { name: "ops-teams", type: "teams", url: { env: "TEAMS_URL" } },
            ],
          }),
          journal: deps.journal,
          context: {
            regions: { "local-eu": "eu-central-1" },
            approval: "none",
            runUrl: "https://github.com/acme/fleet/actions/runs/42",
            frozenAt: () => false,
          },
          env,
          log,
        }),
      new FigureGates().failOn("local-eu/fra-op1", "shift"),
    );
    await notifier.close();
    expect(events.at(-1)).to.include({ type: "release-finished", outcome: "rolled-back" });

    const generic = r.on("/generic/");
    type Generic = { schema: string; event: string; idempotencyKey: string; sentAt: string };
    const bodies = generic.map((g) => g.body as Generic);
    expect(bodies.map((b) => b.event)).to.deep.equal([
      "release-started",
      "wave-started",
      "wave-completed",
      "wave-started",
      "gate-failed",
      "rollback-started",
      "rollback-completed",
      "release-finished",
    ]);
    for (const request of generic) {
      const body = request.body as Generic;
      expect(request.method).to.equal("POST");
      expect(request.headers["content-type"]).to.equal("application/json");
      expect(request.headers["idempotency-key"]).to.equal(body.idempotencyKey);
      expect(body.schema).to.equal(NOTIFICATION_SCHEMA);
      expect(Number.isNaN(Date.parse(body.sentAt))).to.equal(false);
    }
    const gate = generic[4].body as Record<string, unknown>;
    expect(gate).to.deep.include({
      release: "2.1.0",
      wave: "eu",
      region: "eu-central-1",
      stack: "local-eu",
      outpost: "fra-op1",
      ring: 0,
      actor: "tester@test-host",
      runUrl: "https://github.com/acme/fleet/actions/runs/42",
      weights: { before: { blue: 100, green: 0 }, after: { blue: 90, green: 10 } },
    });
    expect(gate.gate).to.deep.include({ name: "http-probe", verdict: "fail" });

    const slack = r.on("/slack/").map((s) => s.body as SlackBody);
    type SlackBody = {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    expect(slack).to.have.length(2);
    expect(slack[0].text).to.match(/gate http-probe failed on local-eu\/fra-op1 at shift-10/);
    expect(slack[0].blocks.map((b) => b.type)).to.deep.equal([
      "section",
      "section",
      "section",
      "context",
    ]);
    const sections = slack[0].blocks.filter((b) => b.fields);
    expect(sections.map((b) => b.fields?.length)).to.deep.equal([10, 3]);
    const fields = sections.flatMap((b) => b.fields?.map((f) => f.text) ?? []);
    expect(fields).to.include("*Observed*\nerror rate 31.5 % (max 1 %), p99 42 ms (max 500 ms)");
    expect(fields).to.include("*Weights after*\nblue 90% / green 10%");

    const teams = r.on("/teams/").map((t) => t.body as TeamsBody);
    type TeamsBody = {
      type: string;
      attachments: {
        contentType: string;
        content: {
          type: string;
          version: string;
          body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
          actions: { type: string; url: string }[];
        };
      }[];
    };
    expect(teams).to.have.length(8);
    const card = teams[4];
    expect(card.type).to.equal("message");
    expect(card.attachments[0].contentType).to.equal("application/vnd.microsoft.card.adaptive");
    const content = card.attachments[0].content;
    expect(content).to.include({ type: "AdaptiveCard", version: "1.4" });
    expect(content.body[0]).to.include({ type: "TextBlock" });
    const facts = content.body.find((b) => b.type === "FactSet")?.facts ?? [];
    expect(facts).to.deep.include({ title: "Gate", value: "http-probe: fail" });
    expect(facts).to.deep.include({ title: "Ring", value: "0 (canary)" });
    expect(content.actions[0]).to.deep.include({
      type: "Action.OpenUrl",
      url: "https://github.com/acme/fleet/actions/runs/42",
    });
    expect(notifier.stats()).to.deep.equal({
      audit: { delivered: 8, failed: 0, dropped: 0, pending: 0 },
      "ops-slack": { delivered: 2, failed: 0, dropped: 0, pending: 0 },
      "ops-teams": { delivered: 8, failed: 0, dropped: 0, pending: 0 },
    });
    expect(text()).not.to.contain(SECRET);
  });

  it("retries 5xx, 429 and dropped connections with backoff, with the same key; not a 400", async () => {
    // Per path: the answers in order, then 200.
    const script: Record<string, Answer[]> = {
      "/flaky": [{ status: 503 }, "drop", { status: 429, headers: { "retry-after": "0" } }],
      "/bad": [{ status: 400, body: `invalid_payload for /bad/${SECRET}` }],
    };
    const seen: Record<string, number> = {};
    receiver = await HttpReceiver.start((request: ReceivedRequest) => {
      const key = Object.keys(script).find((p) => request.path.startsWith(p)) ?? "";
      const index = (seen[key] = (seen[key] ?? 0) + 1) - 1;
      return script[key]?.[index] ?? { status: 200 };
    });
    const r = receiver;
    const { log, text } = capturedLog();
    const { notifier } = await releaseWith(
      (deps) =>
        new Notifier({
          settings: settings({
            sinks: [
              {
                name: "flaky",
                type: "webhook",
                url: { env: "FLAKY" },
                events: ["release-started"],
              },
              { name: "bad", type: "slack", url: { env: "BAD" }, events: ["release-started"] },
            ],
            maxAttempts: 5,
            initialBackoffSeconds: 0.05,
            maxBackoffSeconds: 0.2,
          }),
          journal: deps.journal,
          context: { regions: {}, approval: "none", runUrl: null, frozenAt: () => false },
          env: { FLAKY: r.url(`/flaky/${SECRET}`), BAD: r.url(`/bad/${SECRET}`) },
          log,
        }),
    );
    await notifier.close();
    const flaky = r.on("/flaky/");
    expect(flaky).to.have.length(4);
    expect(new Set(flaky.map((f) => f.headers["idempotency-key"])).size).to.equal(1);
    // Backoff: the tries are spread out (50 ms, then 100 ms, then Retry-After 0 within the cap).
    expect(flaky[1].at - flaky[0].at).to.be.at.least(40);
    expect(flaky[2].at - flaky[1].at).to.be.at.least(90);
    expect(r.on("/bad/")).to.have.length(1);
    expect(notifier.stats()).to.deep.include({
      flaky: { delivered: 1, failed: 0, dropped: 0, pending: 0 },
      bad: { delivered: 0, failed: 1, dropped: 0, pending: 0 },
    });
    expect(text()).to.match(/notification sink \\"bad\\": gave up on release-started .*HTTP 400/);
    expect(text()).not.to.contain(SECRET);
  });

  it("a dead sink neither slows nor fails the release; what it could not take is logged", async () => {
    receiver = await HttpReceiver.start(() => "hang");
    const r = receiver;
    const baseline = await releaseWith(
      (deps) =>
        new Notifier({
          settings: settings({}),
          journal: deps.journal,
          context: { regions: {}, approval: "none", runUrl: null, frozenAt: () => false },
          env: {},
          log: capturedLog().log,
        }),
    );
    const { log, text } = capturedLog();
    const dead = await releaseWith(
      (deps) =>
        new Notifier({
          settings: settings({
            sinks: [{ name: "dead", type: "webhook", url: { env: "DEAD" } }],
            queueSize: 3,
            timeoutSeconds: 3,
            maxAttempts: 3,
            drainSeconds: 0.5,
          }),
          journal: deps.journal,
          context: { regions: {}, approval: "none", runUrl: null, frozenAt: () => false },
          env: { DEAD: r.url(`/dead/${SECRET}`) },
          log,
        }),
    );
    expect(dead.events.at(-1)).to.include({ type: "release-finished", outcome: "succeeded" });
    // One blocked delivery alone would take the 3 s timeout.
    expect(dead.runMs).to.be.below(baseline.runMs + 1500);
    const closing = Date.now();
    await dead.notifier.close();
    expect(Date.now() - closing).to.be.below(1500);
    expect(r.on("/dead/")).to.have.length(1);
    const stats = dead.notifier.stats().dead;
    expect(stats.delivered).to.equal(0);
    expect(stats.dropped).to.equal(3); // 6 notifications through a queue of 3 while one hangs
    expect(text()).to.contain("queue full (3)");
    expect(text()).to.match(/notification\(s\) not delivered before the driver ended/);
    expect(text()).not.to.contain(SECRET);
  });

  it("a sink whose URL is missing is switched off with a message naming the variable", async () => {
    const { log, text } = capturedLog();
    const { notifier, events } = await releaseWith(
      (deps) =>
        new Notifier({
          settings: settings({
            sinks: [{ name: "ops", type: "slack", url: { env: "NOT_SET_ANYWHERE" } }],
          }),
          journal: deps.journal,
          context: { regions: {}, approval: "none", runUrl: null, frozenAt: () => false },
          env: {},
          log,
        }),
    );
    await notifier.close();
    expect(events.at(-1)).to.include({ type: "release-finished", outcome: "succeeded" });
    expect(text()).to.contain(
      'notification sink \\"ops\\" is off: environment variable NOT_SET_ANYWHERE is not set',
    );
  });

  it("reads a URL from Secrets Manager through the AWS SDK (GetSecretValue, JSON key)", async () => {
    receiver = await HttpReceiver.start((request) => {
      const target = request.headers["x-amz-target"];
      const body = request.body as { SecretId?: string };
      if (target !== "secretsmanager.GetSecretValue" || body.SecretId !== "fleet/teams") {
        return {
          status: 400,
          body: JSON.stringify({ __type: "ResourceNotFoundException", message: "no such secret" }),
          headers: { "content-type": "application/x-amz-json-1.1" },
        };
      }
      return {
        status: 200,
        body: JSON.stringify({
          ARN: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:fleet/teams-AbCdEf",
          Name: "fleet/teams",
          SecretString: JSON.stringify({ url: "https://example.webhook.office.com/wf/abc" }),
        }),
        headers: { "content-type": "application/x-amz-json-1.1" },
      };
    });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: receiver.url(""),
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example-secret-key",
      AWS_REGION: "eu-central-1",
    });
    try {
      const url = await resolveSinkUrl(
        { secretsManager: { secretId: "fleet/teams", jsonKey: "url" } },
        process.env,
      );
      expect(url).to.equal("https://example.webhook.office.com/wf/abc");
      const [request] = receiver.requests;
      expect(request.headers.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      let error: unknown;
      await resolveSinkUrl({ secretsManager: { secretId: "fleet/other" } }, process.env).catch(
        (err: unknown) => (error = err),
      );
      expect(String(error)).to.contain("no such secret");
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("settings refuse a plain-text URL, an unknown trigger and two sinks with one name", () => {
    const parse = (notifications: object) => () =>
      parseDriverSettings({ notifications }, "driver.yaml", ".");
    expect(
      parse({
        sinks: [{ name: "s", type: "slack", url: "https://hooks.slack.com/services/T/B/x" }],
      }),
    ).to.throw(
      UserError,
      /notifications\.sinks\.0\.url: must be \{ env: NAME \} or \{ secretsManager: .*never appears in plain text/,
    );
    expect(
      parse({ sinks: [{ name: "s", type: "slack", url: { env: "X" }, events: ["deployed"] }] }),
    ).to.throw(UserError, /notifications\.sinks\.0\.events\.0: must be one of release-started/);
    expect(
      parse({
        sinks: [
          { name: "s", type: "slack", url: { env: "X" } },
          { name: "s", type: "teams", url: { env: "Y" } },
        ],
      }),
    ).to.throw(UserError, /notifications\.sinks\.1\.name: "s" is used by two sinks/);
    expect(parse({ sinks: [{ name: "s", type: "email", url: { env: "X" } }] })).to.throw(
      UserError,
      /notifications\.sinks\.0\.type: must be webhook \(generic JSON\), slack/,
    );
    expect(parseDriverSettings({}, "driver.yaml", ".").notifications).to.deep.include({
      sinks: [],
      maxAttempts: 5,
      queueSize: 200,
    });
  });
});
