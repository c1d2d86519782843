import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { ExitCode } from "../../automation/support/exit-codes";
import { BIN, runCli } from "./support/cli-harness";
import { exampleFleet, writeProject } from "./support/fleet-fixture";
import { recordRelease } from "./support/live-fixture";

describe("cli: the live view (ui, deploy --ui)", function () {
  this.timeout(60_000);
  const project = writeProject(exampleFleet(1, ["us"]), { waveOrder: ["us"] });
  const common = (journalDir: string) => [
    "--project-dir",
    project,
    "--settings",
    path.join(project, "driver.yaml"),
    "--journal-dir",
    journalDir,
  ];

  it("refuses a bad port, a bad poll period and a release with no journal, naming the flag", async () => {
    const { dir } = await recordRelease();
    const port = await runCli(["ui", "--port", "70000", ...common(dir)]);
    expect(port.code).to.equal(ExitCode.BadInput);
    expect(port.stderr).to.equal(
      "outpost-fleet: --port = 70000: must be a port number from 0 to 65535\n",
    );
    const poll = await runCli(["ui", "--poll-ms", "5", ...common(dir)]);
    expect(poll.stderr).to.contain("--poll-ms = 5: must be from 50 to 60000 milliseconds");
    const unknown = await runCli(["ui", "--release", "9.9.9", ...common(dir)]);
    expect(unknown.code).to.equal(ExitCode.BadInput);
    expect(unknown.stderr).to.contain('--release = "9.9.9": no journal for it');
    expect(unknown.stderr).to.contain("known releases: 2.1.0");
  });

  it("deploy --ui refuses --dry-run, and a port in use before anything changes", async () => {
    const { dir } = await recordRelease();
    const dry = await runCli(["deploy", "--release", "2.2.0", "--ui", "--dry-run", ...common(dir)]);
    expect(dry.code).to.equal(ExitCode.BadInput);
    expect(dry.stderr).to.contain("--ui cannot be used with --dry-run");
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as net.AddressInfo;
    try {
      const before = fs.readdirSync(path.join(dir, "releases"));
      // The example stacks are aws stacks: they need a backend and their passphrase.
      const result = await runCli(
        ["deploy", "--release", "2.2.0", "--ui", "--port", String(port), ...common(dir)],
        { PULUMI_BACKEND_URL: `file://${dir}/state`, PULUMI_CONFIG_PASSPHRASE: "test" },
      );
      expect(result.code).to.equal(ExitCode.BadInput);
      expect(result.stderr).to.contain(`--port = ${port}: already in use on 127.0.0.1`);
      expect(fs.readdirSync(path.join(dir, "releases"))).to.deep.equal(before);
      expect(fs.existsSync(path.join(dir, "fleet.lock"))).to.equal(false);
    } finally {
      busy.close();
    }
  });

  it("outpost-fleet ui serves the page, prints the token, and stops on SIGTERM", async () => {
    const { dir } = await recordRelease();
    const child = spawn(
      process.execPath,
      [BIN, "ui", "--port", "0", "--allow-actions", ...common(dir)],
      { env: { ...process.env, OUTPOST_FLEET_ACTOR: "cli-tester" }, stdio: "pipe" },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!/token: \S+/.test(stderr) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const url = /live view of the running or latest release: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(
        stderr,
      )?.[1];
      const token = /token: (\S+)/.exec(stderr)?.[1];
      expect(url, stderr).to.be.a("string");
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      const page = await fetch(url as string);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('data-release="2.1.0"');
      const pause = await fetch(`${url}api/pause`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: "{}",
      });
      expect(pause.status).to.equal(409);
      expect(((await pause.json()) as { message: string }).message).to.equal(
        "release 2.1.0 already finished: succeeded",
      );
      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
      expect(stderr).to.contain("SIGTERM: stopping the live view");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
