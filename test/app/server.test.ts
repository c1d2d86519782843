import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseAppConfig } from "../../app/config";
import { RunningApp, startApp } from "../../app/server";

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
    expect(version.headers["x-app-version"]).to.equal("2.0.0");
    expect((await get(port, "/nope")).status).to.equal(404);
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
