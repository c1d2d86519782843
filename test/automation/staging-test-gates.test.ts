import { expect } from "chai";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { OutpostOutputs } from "../../infra/contract";
import type { GateTarget } from "../../automation/gates/gate";
import { httpExchange, nodeHttpExchange } from "../../automation/gates/adapters/http-exchange";
import { HttpProbeGate } from "../../automation/gates/http-probe-gate";
import { IntegrationGate } from "../../automation/gates/integration-gate";
import { LoadGate, loadStopErrorsOf } from "../../automation/gates/load-gate";
import { rampSteps } from "../../automation/gates/load-run";
import { plainHttpProblem, SecurityGate } from "../../automation/gates/security-gate";
import { StandardGateSuite } from "../../automation/gates/standard-gate-suite";
import { describeGate } from "../../automation/progress/event-summary";
import { DEFAULT_SETTINGS, parseDriverSettings } from "../../automation/settings/driver-settings";
import { LOCAL_LOAD_DEFAULTS } from "../../automation/settings/staging-test-settings";
import { makeTestCertificates, type TestCertificates } from "../support/test-certificates";

const RELEASE = "2.1.0";
const FINGERPRINT = "sha256:5f2c";
const SECURITY_HEADERS: Record<string, string> = {
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'self'",
  "referrer-policy": "no-referrer",
};

/** The sample app's contract (docs/driver.md), with switches for each way a release can be bad. */
interface AppBehaviour {
  broken?: boolean;
  version?: string;
  extraHeaders?: Record<string, string>;
  dropHeader?: string;
  fingerprint?: string;
  delayMs?: number;
  failEvery?: number;
  /** Serve https with this certificate (an ALB's listener) instead of plain http. */
  tls?: TestCertificates;
}

async function startApp(behaviour: AppBehaviour = {}) {
  const products = behaviour.broken
    ? []
    : [{ sku: "TEA-001", name: "Green tea", priceCents: 1299, currency: "USD" }];
  let served = 0;
  /** Host header and TLS server name of each request, once each. */
  const identities = new Set<string>();
  const handler: http.RequestListener = (request, response) => {
    const sni = (request.socket as { servername?: string | false }).servername;
    identities.add(`${request.headers.host} sni=${sni || "none"}`);
    const path = (request.url ?? "/").split("?")[0];
    const reply = (status: number, body: unknown) => {
      served++;
      const headers: Record<string, string> = {
        ...SECURITY_HEADERS,
        ...behaviour.extraHeaders,
        "content-type": "application/json",
      };
      if (behaviour.dropHeader) delete headers[behaviour.dropHeader];
      const failing = behaviour.failEvery !== undefined && served % behaviour.failEvery === 0;
      response.writeHead(failing ? 500 : status, headers);
      const send = () => response.end(JSON.stringify(body));
      if (behaviour.delayMs) setTimeout(send, behaviour.delayMs);
      else send();
    };
    const sku = /^\/api\/products\/([^/]+)$/.exec(path)?.[1];
    if (path === "/health" || path === "/ready") return reply(200, { status: "ok" });
    if (path === "/version" || path === "/") {
      return reply(200, { version: behaviour.version ?? RELEASE, color: "green", pid: 1 });
    }
    if (path === "/config") {
      return reply(200, { settings: {}, fingerprint: behaviour.fingerprint ?? FINGERPRINT });
    }
    if (path === "/api/products") return reply(200, { items: products, count: products.length });
    const item = products.find((p) => p.sku === sku);
    if (item) return reply(200, item);
    return reply(404, { error: "not found" });
  };
  const { tls } = behaviour;
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, handler)
    : http.createServer(handler);
  /** When each connection opened (ms since the epoch). */
  const connectedAt: number[] = [];
  server.on("connection", () => connectedAt.push(Date.now()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    identities,
    connectedAt,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const target = (endpoint: string, overrides: Partial<GateTarget> = {}): GateTarget => ({
  stack: "staging",
  outpost: "lab-1",
  target: "local",
  awsRegion: undefined,
  outputs: { endpoint, previewEndpoint: endpoint } as unknown as OutpostOutputs,
  phase: "test",
  release: RELEASE,
  previousVersion: "2.0.0",
  candidateColor: "green",
  runtimeFingerprint: FINGERPRINT,
  ...overrides,
});

const never = new AbortController().signal;
const STOP_ERRORS = loadStopErrorsOf(DEFAULT_SETTINGS.analysis);
const checks = DEFAULT_SETTINGS.stagingTests.integration.checks;
const security = DEFAULT_SETTINGS.stagingTests.security;

describe("staging test gates: integration (real HTTP server)", () => {
  it("passes every shipped check and the built-in ones on a good release", async () => {
    const app = await startApp();
    try {
      const result = await new IntegrationGate(httpExchange, checks).measure(
        target(app.endpoint),
        never,
      );
      expect(result.verdict, result.detail).to.equal("pass");
      const total = checks.length + 2;
      expect(result.figures?.[0]).to.deep.include({ value: total, threshold: total });
    } finally {
      await app.close();
    }
  });

  it("fails the broken release (200 with an empty catalogue), naming check, path and body", async () => {
    const app = await startApp({ broken: true });
    try {
      const result = await new IntegrationGate(httpExchange, checks).measure(
        target(app.endpoint),
        never,
      );
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.contain(
        'catalogue: GET /api/products: items.0.sku missing (got {"items":[],"count":0})',
      );
      // The product check needs the sku the catalogue did not give.
      expect(result.detail).to.contain("product: /api/products/{sku}: no value for {sku}");
    } finally {
      await app.close();
    }
  });

  it("fails when /version is not the release or /config has another fingerprint", async () => {
    const app = await startApp({ version: "2.0.0", fingerprint: "sha256:other" });
    try {
      const result = await new IntegrationGate(httpExchange, []).measure(
        target(app.endpoint),
        never,
      );
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.contain(
        'release version: GET /version: version is "2.0.0", expected "2.1.0"',
      );
      expect(result.detail).to.contain(
        'runtime fingerprint: GET /config: fingerprint is "sha256:other", expected "sha256:5f2c"',
      );
      expect(result.figures?.[0]).to.deep.include({ value: 0, threshold: 2 });
    } finally {
      await app.close();
    }
  });

  it("checks status and body text; an endpoint that does not answer is an error", async () => {
    const app = await startApp();
    const gate = new IntegrationGate(httpExchange, [
      {
        name: "teapot",
        method: "GET",
        path: "/api/products/TEA-001",
        status: 200,
        contains: "Oolong",
      },
      { name: "gone", method: "GET", path: "/health", status: 404 },
    ]);
    try {
      const result = await gate.measure(target(app.endpoint), never);
      expect(result.detail).to.contain(
        'teapot: GET /api/products/TEA-001: "Oolong" not in the body',
      );
      expect(result.detail).to.contain("gone: GET /health: status 200, expected 404");
    } finally {
      await app.close();
    }
    const down = await gate.measure(target(app.endpoint), never);
    expect(down.verdict).to.equal("error");
  });
});

describe("staging test gates: security (real HTTP server)", () => {
  it("passes the app's headers on the local target", async () => {
    const app = await startApp();
    try {
      const result = await new SecurityGate(httpExchange, security).measure(
        target(app.endpoint),
        never,
      );
      expect(result.verdict, result.detail).to.equal("pass");
      expect(result.figures).to.deep.include({ name: "responses checked", value: 3, unit: "" });
    } finally {
      await app.close();
    }
  });

  it("fails a missing header, a forbidden one, and any header that leaks the version", async () => {
    const app = await startApp({
      dropHeader: "x-frame-options",
      extraHeaders: { "x-powered-by": "Express", "x-build": `storefront/${RELEASE}` },
    });
    try {
      const result = await new SecurityGate(httpExchange, security).measure(
        target(app.endpoint),
        never,
      );
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.contain("GET /: missing x-frame-options");
      expect(result.detail).to.contain('forbidden header x-powered-by: "Express"');
      expect(result.detail).to.contain('x-build: "storefront/2.1.0" leaks the version 2.1.0');
    } finally {
      await app.close();
    }
  });

  it("on AWS requires https; plain http must redirect to https or refuse, not serve", async () => {
    const app = await startApp();
    const redirect = http.createServer((_req, res) => {
      res.writeHead(301, { location: "https://example.com/" }).end();
    });
    await new Promise<void>((resolve) => redirect.listen(0, "127.0.0.1", resolve));
    const redirectPort = (redirect.address() as AddressInfo).port;
    try {
      const onAws = await new SecurityGate(httpExchange, security).measure(
        target(app.endpoint, { target: "aws" }),
        never,
      );
      expect(onAws.detail).to.contain(`endpoint ${app.endpoint} is not https (requireTls)`);
      const serving = await new SecurityGate(httpExchange, security, app.port).measure(
        target(`https://127.0.0.1:${app.port}`, { target: "aws" }),
        never,
      );
      expect(serving.detail).to.contain(
        `http://127.0.0.1:${app.port}/ serves the app over plain http (status 200)`,
      );
      const url = (port: number) => `http://127.0.0.1:${port}/`;
      expect(await plainHttpProblem(httpExchange, url(redirectPort), never)).to.equal(undefined);
      expect(await plainHttpProblem(httpExchange, url(app.port), never)).to.contain(
        "serves the app",
      );
    } finally {
      redirect.closeAllConnections();
      redirect.close();
      await app.close();
    }
    // Nothing listens any more: a refused connection is fine.
    expect(
      await plainHttpProblem(httpExchange, `http://127.0.0.1:${redirectPort}/`, never),
    ).to.equal(undefined);
  });
});

describe("gates: the TLS name check (a real https server standing in for an ALB)", () => {
  // The ALB is reached by its DNS name (127.0.0.1 here); its certificate names the domain.
  const certificates = makeTestCertificates(["shop.example.test"]);
  const http = nodeHttpExchange({ ca: certificates.ca });
  const onAws = (endpoint: string, serviceDomain: string | null, phase: GateTarget["phase"]) =>
    target(endpoint, {
      target: "aws",
      phase,
      outputs: { endpoint, previewEndpoint: endpoint, serviceDomain } as unknown as OutpostOutputs,
    });
  const probe = new HttpProbeGate(http, { ...DEFAULT_SETTINGS.analysis, requestsPerCheck: 2 });
  const closedPort = 1;

  it("every gate passes when it probes with the service's domain", async () => {
    const app = await startApp({ tls: certificates });
    try {
      const results = [
        await probe.measure(onAws(app.endpoint, "shop.example.test", "test"), never),
        await new IntegrationGate(http, checks).measure(
          onAws(app.endpoint, "shop.example.test", "test"),
          never,
        ),
        await new SecurityGate(http, security, closedPort).measure(
          onAws(app.endpoint, "shop.example.test", "test"),
          never,
        ),
      ];
      for (const result of results) expect(result.verdict, result.detail).to.equal("pass");
      const load = new LoadGate(
        {
          path: "/api/products",
          aws: { ...LOCAL_LOAD_DEFAULTS, connections: 2, durationSeconds: 1 },
          local: LOCAL_LOAD_DEFAULTS,
        },
        STOP_ERRORS,
      );
      await load.measure(onAws(app.endpoint, "shop.example.test", "test"), never);
      // Every request of every gate, the load test's included, named the domain.
      expect([...app.identities]).to.deep.equal([
        `shop.example.test:${app.port} sni=shop.example.test`,
      ]);
    } finally {
      await app.close();
    }
  });

  it("every gate fails, naming the names, on a domain the certificate does not carry", async () => {
    const app = await startApp({ tls: certificates });
    const mismatch = `TLS: the certificate 127.0.0.1:${app.port} presents does not name shop.other.test; it names DNS:shop.example.test (ERR_TLS_CERT_ALTNAME_INVALID)`;
    try {
      const wrong = (phase: GateTarget["phase"]) => onAws(app.endpoint, "shop.other.test", phase);
      const probed = await probe.measure(wrong("test"), never);
      const integration = await new IntegrationGate(http, checks).measure(wrong("test"), never);
      const securityResult = await new SecurityGate(http, security, closedPort).measure(
        wrong("test"),
        never,
      );
      for (const result of [probed, integration, securityResult]) {
        expect(result.verdict, result.detail).to.equal("fail");
        expect(result.detail).to.contain(mismatch);
      }
      // A stack deployed before the serviceDomain output: checked against the ALB's own name.
      const old = await probe.measure(onAws(app.endpoint, null, "test"), never);
      expect(old.verdict).to.equal("fail");
      expect(old.detail).to.contain("does not name 127.0.0.1");
    } finally {
      await app.close();
    }
  });
});

describe("staging test gates: load (autocannon against a real HTTP server)", () => {
  const load = (limits: Partial<typeof LOCAL_LOAD_DEFAULTS>) =>
    new LoadGate(
      {
        path: "/api/products",
        aws: DEFAULT_SETTINGS.stagingTests.load.aws,
        local: { ...LOCAL_LOAD_DEFAULTS, connections: 4, durationSeconds: 1, ...limits },
      },
      STOP_ERRORS,
    );

  it("passes a healthy server with p50, p95, p99, error rate and throughput figures", async () => {
    const app = await startApp();
    try {
      const result = await load({ minRequestsPerSecond: 50 }).measure(target(app.endpoint), never);
      expect(result.verdict, result.detail).to.equal("pass");
      const names = (result.figures ?? []).map((f) => f.name);
      expect(names).to.deep.equal(["p50", "p95", "p99", "errors", "throughput"]);
      const throughput = result.figures?.find((f) => f.name === "throughput");
      expect(throughput?.value).to.be.greaterThan(50);
      expect(
        describeGate({ gate: "load", verdict: "pass", detail: "", figures: result.figures ?? [] }),
      ).to.match(
        /^load pass: p50 [\d.]+ ms, p95 [\d.]+ ms \(max 500 ms\), p99 [\d.]+ ms, errors 0 % \(max 0\.1 %\), throughput [\d.]+ req\/s \(min 50 req\/s\)$/,
      );
    } finally {
      await app.close();
    }
  });

  it("fails on p95 and on errors, naming the figure and the threshold", async () => {
    const slow = await startApp({ delayMs: 60 });
    try {
      const result = await load({ maxP95Ms: 20, minRequestsPerSecond: 0 }).measure(
        target(slow.endpoint),
        never,
      );
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.match(/^p95 \d+(\.\d)? ms > 20 ms/);
    } finally {
      await slow.close();
    }
    const failing = await startApp({ failEvery: 10 });
    try {
      const result = await load({ minRequestsPerSecond: 0 }).measure(
        target(failing.endpoint),
        never,
      );
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.match(/errors (9|10|11)\.\d\d% > 0\.10%/);
    } finally {
      await failing.close();
    }
  });

  it("opens its connections over the ramp, in even steps", async () => {
    expect(rampSteps({ connections: 1000, rampSeconds: 120 })).to.deep.equal(
      Array.from({ length: 10 }, (_, i) => ({ atSeconds: i * 12, connections: 100 })),
    );
    expect(rampSteps({ connections: 3, rampSeconds: 6 })).to.deep.equal([
      { atSeconds: 0, connections: 1 },
      { atSeconds: 2, connections: 1 },
      { atSeconds: 4, connections: 1 },
    ]);
    expect(rampSteps({ connections: 7, rampSeconds: 0 })).to.deep.equal([
      { atSeconds: 0, connections: 7 },
    ]);
    const app = await startApp();
    try {
      const result = await load({
        connections: 4,
        rampSeconds: 2,
        durationSeconds: 3,
        minRequestsPerSecond: 50,
      }).measure(target(app.endpoint), never);
      expect(result.verdict, result.detail).to.equal("pass");
      expect(result.detail).to.match(/^4 connections, ramped over 2s for 3s on /);
      expect(app.connectedAt).to.have.length(4);
      const opened = app.connectedAt.map((at) => at - app.connectedAt[0]);
      // Steps at 0, 0.5, 1 and 1.5 s.
      expect(opened[3]).to.be.within(1300, 2500);
      expect(opened[1]).to.be.within(300, 1500);
    } finally {
      await app.close();
    }
  });

  it("stops early with a pass once the sequential rule has shown every limit met at full load", async () => {
    const app = await startApp();
    const started = Date.now();
    try {
      const result = await load({
        durationSeconds: 30,
        earlyStopAfterSeconds: 1,
        maxErrorRate: 0.01,
        minRequestsPerSecond: 50,
      }).measure(target(app.endpoint), never);
      expect(result.verdict, result.detail).to.equal("pass");
      expect(result.detail).to.match(
        /for \d+s of 30s \(stopped early: errors 0\/\d+ passed \(limit 1%\), answers over 500 ms 0\/\d+ passed \(limit 5%\), \d+ req\/s at full load, held \d s\)/,
      );
      expect(Date.now() - started).to.be.lessThan(10_000);
    } finally {
      await app.close();
    }
  });

  it("stops early with a fail as soon as the rule has shown the error limit broken", async () => {
    const failing = await startApp({ failEvery: 10 });
    const started = Date.now();
    try {
      const result = await load({
        durationSeconds: 30,
        earlyStopAfterSeconds: 5,
        minRequestsPerSecond: 0,
      }).measure(target(failing.endpoint), never);
      expect(result.verdict).to.equal("fail");
      expect(result.detail).to.match(
        /^the sequential rule showed a limit broken \(4 connections for \d+s of 30s \(stopped early: errors \d+\/\d+ failed \(limit 0\.1%\)/,
      );
      // A fail needs no floor: it stops at the first look.
      expect(Date.now() - started).to.be.lessThan(5_000);
    } finally {
      await failing.close();
    }
  });

  it("stops autocannon when the signal aborts", async () => {
    const app = await startApp();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("timed out")), 300);
    try {
      let caught: unknown;
      await load({ durationSeconds: 20 })
        .measure(target(app.endpoint), controller.signal)
        .catch((err: unknown) => (caught = err));
      expect((caught as Error).message).to.equal("timed out");
      expect(Date.now() - started).to.be.lessThan(3000);
    } finally {
      await app.close();
    }
  });
});

describe("staging test gates: suite and settings", () => {
  const gate = (name: string) => ({ name, measure: () => Promise.reject(new Error(name)) });
  const suite = new StandardGateSuite({
    http: gate("http"),
    outputsVersion: gate("outputs"),
    candidateTraffic: gate("traffic"),
    integration: gate("integration"),
    security: gate("security"),
    ecrScan: gate("ecr-scan"),
    load: gate("load"),
  });

  it("phase test gives integration, security, ECR scan on AWS only, and load last", () => {
    const names = (t: GateTarget) => suite.gatesFor(t).map((g) => g.name);
    expect(names(target("x", { target: "aws" }))).to.deep.equal([
      "integration",
      "security",
      "ecr-scan",
      "load",
    ]);
    expect(names(target("x"))).to.deep.equal(["integration", "security", "load"]);
  });

  it("defaults hold the use case's figures; wrong values name key, value and what is allowed", () => {
    expect(DEFAULT_SETTINGS.stagingTests.load.aws).to.deep.equal({
      connections: 1000,
      durationSeconds: 600,
      maxP95Ms: 500,
      maxErrorRate: 0.001,
      minRequestsPerSecond: 2000,
      rampSeconds: 120,
      earlyStopAfterSeconds: 120,
    });
    let message = "";
    try {
      parseDriverSettings(
        {
          stagingTests: {
            load: { local: { connections: 0 } },
            security: { ecrScan: { failAtSeverity: "SEVERE" } },
            integration: { checks: [{ name: "item", path: "/api/products/{sku}" }] },
          },
        },
        "automation/driver.yaml",
        ".",
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.contain("automation/driver.yaml: invalid driver settings:");
    expect(message).to.contain(
      "  - stagingTests.load.local.connections: must be a whole number from 1 to 10000 (got 0)",
    );
    expect(message).to.contain(
      '  - stagingTests.security.ecrScan.failAtSeverity: must be one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED (got "SEVERE")',
    );
    expect(message).to.contain(
      '  - stagingTests.integration.checks.0.path: "/api/products/{sku}" uses {sku}, which no earlier check saves (allowed: {release})',
    );
  });
});
