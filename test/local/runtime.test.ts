import { expect } from "chai";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_SOCKET_PATH, runtimeSocketPath } from "../../infra/local/haproxy/socket-path";
import { freeLoopbackPort } from "../../infra/local/process/ports";
import { groupMembers, stopProcessGroup } from "../../infra/local/process/processes";
import { resolveLocalRuntime } from "../../infra/local/runtime";

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
});
