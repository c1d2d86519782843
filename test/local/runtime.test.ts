import { expect } from "chai";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_SOCKET_PATH, runtimeSocketPath } from "../../infra/local/haproxy/socket-path";
import { freeLoopbackPort } from "../../infra/local/process/ports";
import {
  groupMembers,
  isRunning,
  ownership,
  settledOwnership,
  spawnDetached,
  stopProcessGroup,
} from "../../infra/local/process/processes";
import { findExecutable } from "../../infra/local/local-runtime";
import { resolveLocalRuntime } from "../../infra/local/local-runtime";
import { SKIP_ENGINE_TESTS } from "../support/engine-guard";

describe("local runtime", () => {
  it("refuses to start without HAProxy and says how to install it", () => {
    expect(() =>
      resolveLocalRuntime({ stack: "local-us" }, { OUTPOST_FLEET_HAPROXY: "/nowhere/haproxy" }),
    ).to.throw(
      /OUTPOST_FLEET_HAPROXY = "\/nowhere\/haproxy" is not an executable file.*apt-get install haproxy/,
    );
  });

  it("keeps each stack's processes in its own run dir under the project", () => {
    const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bin-")), "haproxy");
    fs.writeFileSync(bin, "#!/bin/sh\n", { mode: 0o755 });
    const runtime = resolveLocalRuntime(
      { stack: "local-eu", projectRoot: "/repo" },
      { OUTPOST_FLEET_HAPROXY: bin },
    );
    expect(runtime).to.deep.equal({
      runDir: "/repo/.pulumi-local/run/local-eu",
      appEntry: "/repo/app/launch.js",
      haproxyBin: bin,
    });
  });

  it("moves a runtime socket whose path is too long for a unix socket to the temp folder", () => {
    expect(runtimeSocketPath("/short/dir")).to.equal("/short/dir/haproxy.sock");
    const deep = `/home/someone/${"very-long-folder-name/".repeat(6)}run/nyc-lab1-lb-1234abcd`;
    const moved = runtimeSocketPath(deep, "/tmp");
    expect(moved).to.match(/^\/tmp\/outpost-fleet-[0-9a-f]{16}\.sock$/);
    expect(moved.length).to.be.at.most(MAX_SOCKET_PATH);
    expect(runtimeSocketPath(`${deep}x`, "/tmp")).not.to.equal(moved);
  });

  it("hands out loopback ports that are free to bind", async () => {
    const ports = await Promise.all([freeLoopbackPort(), freeLoopbackPort(), freeLoopbackPort()]);
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const server = net.createServer().once("error", reject);
        server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
      });
    }
  });
});

describe("local process groups", () => {
  it("never signals group 0, init's group or its own group", async () => {
    // kill(-0) would hit the caller's own group: the test runner and its shell.
    await stopProcessGroup(0, "anything");
    await stopProcessGroup(1, "anything");
    await stopProcessGroup(process.pid, "mocha");
    expect(groupMembers(0)).to.deep.equal([]);
  });

  it("tells a child that has not exec'd yet from a foreign process, and leaves it alone", async () => {
    // A child of ours whose command line lacks the marker looks like one that is mid-exec.
    const pid = spawnDetached({
      command: process.execPath,
      args: ["-e", "setTimeout(() => {}, 10000)"],
      env: {},
      logFile: "/dev/null",
    });
    try {
      expect(await settledOwnership(pid, "not-its-marker", 100)).to.equal("starting");
      await stopProcessGroup(pid, "not-its-marker", 100);
      expect(ownership(pid, "setTimeout")).to.equal("ours");
    } finally {
      process.kill(-pid, "SIGKILL");
    }
    expect(ownership(1, "not-init")).to.equal("foreign");
  });

  it("stops an HAProxy right after its spawn, mid-exec or not: nothing survives", async function () {
    // The race this guards: spawn() returns while the child may still show our command line,
    // which once made a failed start's cleanup skip it as foreign and leak it.
    const haproxy = findExecutable("haproxy", process.env.PATH);
    if (SKIP_ENGINE_TESTS || haproxy === undefined) this.skip();
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-exec-race-"));
    try {
      const survivors: number[] = [];
      for (let i = 0; i < 40; i++) {
        const marker = `exec-race-lb-${i}`;
        const config = path.join(dir, `${marker}.cfg`);
        fs.writeFileSync(
          config,
          "defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\n" +
            "frontend fe\n  bind 127.0.0.1:0\n",
        );
        const pid = spawnDetached({
          command: haproxy!,
          args: ["-W", "-f", config],
          env: {},
          logFile: path.join(dir, `${marker}.log`),
        });
        await stopProcessGroup(pid, marker, 1_000);
        if (isRunning(pid, marker) || groupMembers(pid).length > 0) survivors.push(pid);
      }
      expect(survivors).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
