import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { CATALOGUE } from "../../app/catalogue";
import { parseAppConfig } from "../../app/app-options";
import { DEFAULT_RUNTIME_SETTINGS } from "../../app/runtime-settings";
import { createLog, RunningApp, startApp } from "../../app/server";
import { appRuntimeDocument, loadFleetConfig, readStackFile } from "../../infra/config";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(
  port: number,
  urlPath: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: "127.0.0.1", port, path: urlPath, headers, agent: false },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on("error", reject);
  });
}

describe("app server", () => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.shutdown();
    app = undefined;
  });

  async function start(env: Record<string, string>): Promise<RunningApp> {
    app = await startApp(parseAppConfig({ PORT: "0", ...env }));
    return app;
  }

  it("sheds customer requests past maxInFlight with 503 and Retry-After, never the probes", async () => {
    // Every customer request is held 400 ms: the first two fill the limit.
    const { port, admission } = await start({
      APP_MAX_IN_FLIGHT: "2",
      APP_SHED_RETRY_AFTER_SECONDS: "3",
      APP_FAULT_LATENCY_MS: "400",
    });
    const replies = await Promise.all([
      get(port, "/version"),
      get(port, "/version"),
      // Sent once the two above are in flight.
      new Promise((r) => setTimeout(r, 100)).then(() =>
        Promise.all([get(port, "/version"), get(port, "/health"), get(port, "/ready")]),
      ),
    ]);
    const [first, second, [third, health, ready]] = replies;
    expect([first.status, second.status]).to.deep.equal([200, 200]);
    expect(third.status).to.equal(503);
    expect(third.headers["retry-after"]).to.equal("3");
    expect(JSON.parse(third.body)).to.deep.equal({ error: "overloaded: retry later" });
    expect([health.status, ready.status]).to.deep.equal([200, 200]);
    expect(admission.shed).to.equal(1);
    // The slots come back once answered: the next request is admitted.
    expect((await get(port, "/version")).status).to.equal(200);
  });

  it("admits every request without a limit (maxInFlight 0, the default)", async () => {
    const { port, admission } = await start({ APP_FAULT_LATENCY_MS: "200" });
    const replies = await Promise.all(Array.from({ length: 20 }, () => get(port, "/version")));
    expect(replies.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
    expect(admission.shed).to.equal(0);
  });

  it("answers the probes and reports its identity on /version", async () => {
    const { port } = await start({ APP_VERSION: "2.0.0", APP_COLOR: "green", OUTPOST: "nyc-lab1" });
    expect((await get(port, "/health")).status).to.equal(200);
    expect((await get(port, "/ready")).status).to.equal(200);
    const version = await get(port, "/version");
    expect(JSON.parse(version.body)).to.deep.equal({
      version: "2.0.0",
      color: "green",
      outpost: "nyc-lab1",
      pid: process.pid,
    });
    expect((await get(port, "/nope")).status).to.equal(404);
  });

  it("sends the security headers on every answer, and no header naming the version or color", async () => {
    const { port } = await start({ APP_VERSION: "2.0.0", APP_COLOR: "green" });
    for (const [urlPath, accept] of [
      ["/", "text/html"],
      ["/version", "application/json"],
      ["/api/products", "application/json"],
      ["/nope", "application/json"],
    ]) {
      const { headers } = await get(port, urlPath, { accept });
      expect(headers, urlPath).to.include({
        "strict-transport-security": "max-age=31536000; includeSubDomains",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
      });
      expect(headers["content-security-policy"], urlPath).to.match(/^default-src 'none';/);
      expect(headers["content-security-policy"], urlPath).to.include("frame-ancestors 'none'");
      expect(JSON.stringify(headers), urlPath).to.not.match(/2\.0\.0|green/);
      expect(
        Object.keys(headers).filter((h) => h.startsWith("x-app-")),
        urlPath,
      ).to.deep.equal([]);
    }
  });

  it("lists the catalogue and answers one product by sku, 404 naming an unknown sku", async () => {
    const { port } = await start({});
    const list = await get(port, "/api/products");
    expect(list.status).to.equal(200);
    expect(list.headers["content-type"]).to.equal("application/json");
    const body = JSON.parse(list.body) as { items: unknown[]; count: number };
    expect(body.count).to.equal(CATALOGUE.length).and.to.equal(body.items.length);
    expect(body.items[0]).to.have.all.keys("sku", "name", "priceCents", "currency");
    const one = await get(port, "/api/products/tent-2p");
    expect(one.status).to.equal(200);
    expect(JSON.parse(one.body)).to.deep.equal({
      sku: "tent-2p",
      name: "Two-person tent",
      priceCents: 18900,
      currency: "USD",
    });
    const missing = await get(port, "/api/products/canoe");
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.body)).to.deep.equal({ error: "not found", sku: "canoe" });
  });

  it("with broken paths, answers 200 with wrong data there while the probes stay truthful", async () => {
    const { port } = await start({
      APP_FAULT_BROKEN_PATHS: "/api/products,/api/products/tent-2p,/health",
    });
    const list = await get(port, "/api/products");
    expect(list.status).to.equal(200);
    expect(JSON.parse(list.body)).to.deep.equal({ items: [], count: 0 });
    const item = await get(port, "/api/products/tent-2p");
    expect(item.status).to.equal(200);
    expect(JSON.parse(item.body)).to.deep.equal({
      sku: "tent-2p",
      name: "Two-person tent",
      currency: "USD",
    });
    // Not listed: right answer.
    expect(JSON.parse((await get(port, "/api/products/mug-ti")).body)).to.have.property(
      "priceCents",
    );
    expect(JSON.parse((await get(port, "/health")).body)).to.deep.equal({ status: "ok" });
    expect((await get(port, "/ready")).status).to.equal(200);
  });

  it("serves its runtime settings on /config with the fingerprint the stack computes", async () => {
    const config = loadFleetConfig(readStackFile("eu"));
    const published = appRuntimeDocument(config);
    const { port } = await start({ APP_RUNTIME_CONFIG: JSON.stringify(published.settings) });
    const reply = await get(port, "/config");
    expect(reply.status).to.equal(200);
    expect(JSON.parse(reply.body)).to.deep.equal(published);
  });

  it("runs with documented defaults when given no settings", async () => {
    const { port } = await start({});
    const body = JSON.parse((await get(port, "/config")).body) as { settings: unknown };
    expect(body.settings).to.deep.equal(DEFAULT_RUNTIME_SETTINGS);
  });

  it("lists recommendations only with the recommendations feature flag", async () => {
    const settings = { ...DEFAULT_RUNTIME_SETTINGS, featureFlags: { recommendations: true } };
    const { port } = await start({ APP_RUNTIME_CONFIG: JSON.stringify(settings) });
    const body = JSON.parse((await get(port, "/api/products")).body) as { recommended?: string[] };
    expect(body.recommended).to.deep.equal(["tent-2p", "lamp-led"]);
    await app?.shutdown();
    const bare = await start({});
    expect(JSON.parse((await get(bare.port, "/api/products")).body)).to.not.have.property(
      "recommended",
    );
  });

  it("answers 503 once handling a request takes longer than apiTimeoutMs", async () => {
    const settings = { ...DEFAULT_RUNTIME_SETTINGS, apiTimeoutMs: 100 };
    const { port } = await start({
      APP_RUNTIME_CONFIG: JSON.stringify(settings),
      APP_FAULT_LATENCY_MS: "400",
    });
    const started = Date.now();
    const reply = await get(port, "/version");
    expect(Date.now() - started).to.be.below(350);
    expect(reply.status).to.equal(503);
    expect(JSON.parse(reply.body)).to.deep.equal({ error: "request timed out", apiTimeoutMs: 100 });
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const { port } = await start({});
    const status = (method: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(
          { host: "127.0.0.1", port, path: "/health", method, agent: false },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on("error", reject).end();
      });
    expect(await status("HEAD")).to.equal(200);
    expect(await status("POST")).to.equal(405);
  });

  it("serves a small page to browsers and JSON to everyone else", async () => {
    const { port } = await start({ APP_VERSION: "2.0.0" });
    expect((await get(port, "/", { accept: "text/html" })).body).to.match(
      /<h1>storefront 2\.0\.0<\/h1>/,
    );
    expect(JSON.parse((await get(port, "/")).body)).to.include({
      service: "storefront",
      version: "2.0.0",
    });
  });

  it("answers 500 at an error rate of 1 but keeps /health healthy", async () => {
    const { port } = await start({ APP_FAULT_ERROR_RATE: "1" });
    expect((await get(port, "/version")).status).to.equal(500);
    expect((await get(port, "/health")).status).to.equal(200);
  });

  it("adds the injected latency", async () => {
    const { port } = await start({ APP_FAULT_LATENCY_MS: "150" });
    const started = Date.now();
    await get(port, "/version");
    expect(Date.now() - started).to.be.at.least(140);
  });

  it("drains: /ready turns 503, in-flight requests finish, new connections are refused", async () => {
    const running = await start({ APP_FAULT_LATENCY_MS: "300", APP_DRAIN_DELAY_MS: "100" });
    const inFlight = get(running.port, "/version");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = running.shutdown();
    const ready = await get(running.port, "/ready");
    expect(ready.status).to.equal(503);
    expect(ready.headers.connection).to.equal("close");
    expect((await inFlight).status).to.equal(200);
    await stopped;
    let refused = false;
    await get(running.port, "/health").catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});

describe("app log", () => {
  it("writes only lines at or above the runtime settings' log level", () => {
    const lines: string[] = [];
    const log = createLog("warn", (line) => lines.push(line));
    log("info", "started", {});
    log("error", "stop-failed", { error: "x" });
    expect(lines.map((line) => JSON.parse(line) as object)).to.have.length(1);
    expect(JSON.parse(lines[0])).to.include({ level: "error", event: "stop-failed", error: "x" });
  });
});

describe("app launcher (real process)", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
  });

  it("starts compile-free, publishes its port and exits 0 on SIGTERM", async function () {
    this.timeout(15_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-launch-"));
    const portFile = path.join(dir, "port");
    const launcher = path.resolve(__dirname, "..", "..", "app", "launch.js");
    child = spawn(
      process.execPath,
      [launcher, "--port", "0", "--version", "3.1.4", "--port-file", portFile],
      {
        stdio: "ignore",
      },
    );
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(portFile) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const port = Number(fs.readFileSync(portFile, "utf8"));
    expect(JSON.parse((await get(port, "/version")).body)).to.include({
      version: "3.1.4",
      pid: child.pid,
    });
    const exited = new Promise<number | null>((resolve) =>
      child?.once("exit", (code) => resolve(code)),
    );
    child.kill("SIGTERM");
    expect(await exited).to.equal(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
