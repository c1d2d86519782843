/**
 * The CLI's production mode without the engine: refusals of the profiles (exit 2, naming the
 * stack and the fix, nothing written), `status` and `plan` naming the backend and the
 * journal, and a journal in S3 (versitygw) read by another runner's `status`.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openFleetStore } from "../../automation/store/fleet-store";
import { parseStoreLocation } from "../../automation/store/store-location";
import { ExitCode } from "../../automation/support/exit-codes";
import { S3TestServer } from "../support/s3-server";
import { runCli } from "./support/cli-harness";
import { makeHarness } from "./support/executor-harness";
import { exampleFleet, writeProject } from "./support/fleet-fixture";

describe("cli: backends, journal places and refusals", function () {
  this.timeout(60_000);
  const project = writeProject(exampleFleet(2, ["us", "eu"]), { waveOrder: ["us", "eu"] });
  const flags = ["--project-dir", project, "--settings", path.join(project, "driver.yaml")];
  /** No `pulumi login` here, whatever this machine's ~/.pulumi says. */
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-home-"));
  const stackFiles = () =>
    ["us", "eu"].map((s) => fs.readFileSync(path.join(project, `Pulumi.${s}.yaml`), "utf8"));
  let server: S3TestServer;

  before(async () => {
    server = await S3TestServer.start();
    await server.createBucket("fleet-state");
  });
  after(async () => server?.close());

  it("deploy of an aws stack with no backend is refused (exit 2), naming the stack and the fix", async () => {
    const before = stackFiles();
    const result = await runCli(["deploy", "--release", "2.1.0", ...flags], { PULUMI_HOME: home });
    expect(result.code).to.equal(ExitCode.BadInput);
    expect(result.stderr).to.match(
      /^outpost-fleet: stack eu has target aws and cannot run on the local profile .*--backend-url s3:\/\/<bucket>, PULUMI_BACKEND_URL, or pulumi login/,
    );
    expect(stackFiles()).to.deep.equal(before);
    expect(fs.existsSync(path.join(project, ".outpost-fleet"))).to.equal(false);
  });

  it("a passphrase stack on the backend profile without a passphrase is refused, nothing written", async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-state-"));
    const result = await runCli(["deploy", "--release", "2.1.0", ...flags], {
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${state}`,
    });
    expect(result.code).to.equal(ExitCode.BadInput);
    expect(result.stderr).to.match(
      /stacks eu, us use the passphrase secrets provider, and neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set/,
    );
    expect(result.stderr).not.to.match(/\n\s+at /);
    expect(fs.readdirSync(state)).to.deep.equal([]);
  });

  it("a wrong bucket or wrong credentials on an s3:// backend: exit 2 before any change", async () => {
    const before = stackFiles();
    const cases: [Record<string, string>, RegExp][] = [
      [
        server.env({ PULUMI_BACKEND_URL: server.backendUrl("no-such-bucket") }),
        /bucket "no-such-bucket" does not exist \(NoSuchBucket\)/,
      ],
      [
        server.env({
          PULUMI_BACKEND_URL: server.backendUrl("fleet-state"),
          AWS_SECRET_ACCESS_KEY: "wrong",
        }),
        /S3 refused the credentials \(SignatureDoesNotMatch/,
      ],
    ];
    for (const [env, message] of cases) {
      const result = await runCli(["deploy", "--release", "2.1.0", ...flags], {
        ...env,
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: "test",
      });
      expect(result.code, result.stderr).to.equal(ExitCode.BadInput);
      expect(result.stderr).to.match(message);
      expect(result.stderr).not.to.contain("wrong");
    }
    expect(stackFiles()).to.deep.equal(before);
    expect(server.keys("fleet-state")).to.deep.equal([]);
  });

  it("plan names the backend and the journal it would use, or why there is none", async () => {
    const configured = await runCli(["plan", "--release", "2.1.0", ...flags], {
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: server.backendUrl("fleet-state"),
    });
    expect(configured.code).to.equal(0);
    expect(configured.stdout).to.match(
      /\nbackend: s3:\/\/fleet-state\?endpoint=.* \(from PULUMI_BACKEND_URL\)\njournal: s3:\/\/fleet-state\/\.outpost-fleet\/outpost-fleet-project-\w+ \(beside the state of PULUMI_BACKEND_URL\)\n$/,
    );
    const unconfigured = await runCli(["plan", "--release", "2.1.0", "--json", ...flags], {
      PULUMI_HOME: home,
    });
    const doc = JSON.parse(unconfigured.stdout) as { backend: string; journal: string };
    expect(doc.backend).to.match(/^none \(stack eu has target aws/);
    expect(doc.journal).to.match(/^none \(/);
  });

  it("status on another runner reads the release from the S3 journal beside the state", async () => {
    const env = server.env({
      PULUMI_BACKEND_URL: server.backendUrl("fleet-state"),
      PULUMI_HOME: home,
    });
    // Runner A's journal: a finished release written where the default place is.
    const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]) });
    const place = parseStoreLocation(
      `s3://fleet-state/.outpost-fleet/${path.basename(project)}?endpoint=${server.endpoint}`,
      "test",
    );
    const store = openFleetStore(place, { env });
    await h
      .executor(store.journals.journal("2.1.0"))
      .start(h.plan, "outpost-fleet deploy --release 2.1.0");

    const text = await runCli(["status", ...flags], env);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain("release 2.1.0 (attempt 1): finished (succeeded)");
    expect(text.stdout).to.match(
      /backend: s3:\/\/fleet-state\?endpoint=.* \(from PULUMI_BACKEND_URL\)/,
    );
    expect(text.stdout).to.match(
      /journal: s3:\/\/fleet-state\/\.outpost-fleet\/outpost-fleet-project-\w+ \(beside/,
    );
    const json = JSON.parse((await runCli(["status", "--json", ...flags], env)).stdout) as {
      journal: string;
      status: { outcome: string };
    };
    expect(json.status.outcome).to.equal("succeeded");
    expect(json.journal).to.match(/^s3:\/\/fleet-state\//);
  });
});
