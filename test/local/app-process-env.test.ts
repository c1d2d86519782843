import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_RUNTIME_SETTINGS, runtimeDocument } from "../../app/runtime-settings";
import { canonicalJson } from "../../infra/config";
import { startAppProcess, stopPool } from "../../infra/local/providers/app-processes";
import { poolInputs } from "./support/local-fixtures";

const APP_ENTRY = path.resolve(__dirname, "..", "..", "app", "launch.js");

function getJson(port: number, urlPath: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) as unknown }),
        );
      })
      .on("error", reject);
  });
}

/** One real app process started the way a pool starts it: what its env gives the app. */
describe("local pool: the app process's env", function () {
  this.timeout(20_000);
  let runDir: string;
  const poolId = "env-test-pool";

  before(() => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-env-"));
  });
  after(async () => {
    await stopPool(runDir, poolId, []);
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it("passes the runtime settings (APP_RUNTIME_CONFIG) and the broken paths (APP_FAULT_BROKEN_PATHS)", async () => {
    const settings = {
      ...DEFAULT_RUNTIME_SETTINGS,
      databasePoolSize: 12,
      logLevel: "warn" as const,
    };
    const started = await startAppProcess(
      poolId,
      poolInputs({
        runDir,
        appEntry: APP_ENTRY,
        runtimeSettings: canonicalJson(settings),
        faults: { errorRate: 0, latencyMs: 0, brokenPaths: ["/api/products"] },
      }),
      1,
    );
    expect(await getJson(started.port, "/config")).to.deep.equal({
      status: 200,
      body: runtimeDocument(settings),
    });
    expect(await getJson(started.port, "/api/products")).to.deep.equal({
      status: 200,
      body: { items: [], count: 0 },
    });
    // logLevel warn: the info line "started" is not written.
    const log = fs.readFileSync(path.join(runDir, poolId, "slot-1.log"), "utf8");
    expect(log).to.not.include('"event":"started"');
  });
});
