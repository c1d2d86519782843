/**
 * A local fleet for the end-to-end tests through the real bin: a fake app process, a scratch
 * Pulumi project of the fixture program with one stack file per region group, driver settings,
 * and the flags and environment that point the CLI at them. Needs `npm run toolchain`.
 */
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "../../../automation/engine/pulumi-environment";
import { BIN } from "./cli-harness";
import { FIXTURE_PROGRAM } from "./engine-fixture-program";

/**
 * A fake fleet in one process. GET /<outpost>/(health|ready|version) answers from the state
 * files the program writes, as that Outpost's active color; /<outpost>~preview/... as its
 * candidate color, like the preview path. It counts each color's production requests and
 * answers HAProxy's runtime API on a socket (`show info; show stat`), so the driver's
 * candidate-traffic gate reads real per-color counters. Prints its port.
 */
export const FAKE_APP = `
const http = require("node:http"), net = require("node:net"), fs = require("node:fs"), path = require("node:path");
const stateDir = process.argv[1], socketPath = process.argv[2];
const counts = {};
const server = http.createServer((req, res) => {
  const [, site, what] = (req.url || "").split("/");
  const [outpost, preview] = site.split("~");
  const file = path.join(stateDir, outpost + ".json");
  if (!fs.existsSync(file)) return res.writeHead(503).end();
  const state = JSON.parse(fs.readFileSync(file, "utf8"));
  const color = preview ? (state.activeColor === "blue" ? "green" : "blue") : state.activeColor;
  if (!preview) counts[outpost + "-" + color] = (counts[outpost + "-" + color] || 0) + 1;
  if (what === "version") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ version: state[color + "Version"], color }));
  }
  res.writeHead(200).end("ok");
});
const columns = "pxname,svname,type,status,req_tot,hrsp_5xx,econ,eresp,rtime,ttime,rtime_max,ttime_max";
net.createServer((socket) => {
  socket.on("data", () => {
    const rows = fs.readdirSync(stateDir).filter((f) => f.endsWith(".json")).flatMap((f) =>
      ["blue", "green"].map((c) => f.slice(0, -5) + "-" + c));
    const total = rows.reduce((sum, name) => sum + (counts[name] || 0), 0);
    socket.end(["Pid: " + process.pid, "Start_time_sec: 1", "", "# " + columns,
      "fixture,BACKEND,1,UP," + total + ",0,0,0,2,2,9,9",
      ...rows.map((name) => "fixture," + name + ",2,UP," + (counts[name] || 0) + ",0,0,0,2,2,9,9"),
      ""].join("\\n"));
  });
}).listen(socketPath);
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/** A stack of the fleet: its name is its region group, so each stack is one wave. */
export interface E2eStack {
  readonly name: string;
  readonly outposts: readonly string[];
}

export interface E2eFleet {
  readonly workDir: string;
  readonly stateDir: string;
  readonly programDir: string;
  readonly settings: string;
  readonly env: NodeJS.ProcessEnv;
  readonly flags: string[];
  /** Runs the bin with the fleet's flags, to its end. */
  run(args: string[]): SpawnSyncReturns<string>;
  /** `<outpost> <color>` per flip, in the order the fixture program made them. */
  flips(): string[];
  stackFile(stack: string): string;
  stop(): void;
}

/** The fake app, the project and the stacks, each stack created at 2.0.0 by `drift --config-only`. */
export async function startE2eFleet(
  stacks: readonly E2eStack[],
  settings: Record<string, unknown>,
): Promise<E2eFleet> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-e2e-"));
  const stateDir = path.join(workDir, "app-state");
  fs.mkdirSync(stateDir);
  // The fake app, in its own process: answers for each Outpost with its active color's version.
  const statsSocket = path.join(workDir, "stats.sock");
  const app: ChildProcess = spawn(process.execPath, ["-e", FAKE_APP, stateDir, statsSocket], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    app.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    app.once("exit", () => reject(new Error("the fake app did not start")));
  });

  const programDir = path.join(workDir, "program");
  fs.mkdirSync(programDir);
  fs.symlinkSync(
    path.join(PROJECT_ROOT, "node_modules"),
    path.join(programDir, "node_modules"),
    "dir",
  );
  fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), "name: fleet-e2e\nruntime: nodejs\n");
  fs.writeFileSync(
    path.join(programDir, "package.json"),
    JSON.stringify({ name: "fleet-e2e", private: true }),
  );
  fs.writeFileSync(path.join(programDir, "index.ts"), FIXTURE_PROGRAM);
  const settled = {
    blueVersion: "2.0.0",
    greenVersion: "2.0.0",
    activeColor: "blue",
    candidateWeight: 0,
    idleWarm: false,
  };
  for (const stack of stacks) {
    fs.writeFileSync(
      path.join(programDir, `Pulumi.${stack.name}.yaml`),
      stringify({
        config: {
          "outpost-fleet:target": "local",
          "outpost-fleet:regionGroup": stack.name,
          "outpost-fleet:outposts": stack.outposts.map((name) => ({ name })),
          "outpost-fleet:release": { version: "2.0.0" },
          "outpost-fleet:deployment": Object.fromEntries(stack.outposts.map((o) => [o, settled])),
          "outpost-fleet:fixtureStateDir": stateDir,
          "outpost-fleet:fixtureEndpoint": `http://127.0.0.1:${port}`,
          "outpost-fleet:fixtureStatsSocket": statsSocket,
        },
      }),
    );
  }
  const settingsFile = path.join(workDir, "driver.yaml");
  fs.writeFileSync(settingsFile, stringify(settings));
  const env = {
    OUTPOST_FLEET_STATE_DIR: path.join(workDir, "pulumi-state"),
    OUTPOST_FLEET_ACTOR: "e2e",
  };
  const flags = [
    "--project-dir",
    programDir,
    "--settings",
    settingsFile,
    "--journal-dir",
    path.join(workDir, "journal"),
  ];
  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args, ...flags], {
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 240_000,
    });
  // The stacks must exist and run 2.0.0 before the first release.
  const first = run(["drift", "--config-only"]);
  if (first.status !== 0) {
    app.kill();
    throw new Error(`drift --config-only failed: ${first.stderr}`);
  }
  return {
    workDir,
    stateDir,
    programDir,
    settings: settingsFile,
    env,
    flags,
    run,
    flips: () =>
      fs.existsSync(path.join(stateDir, "flips.log"))
        ? fs.readFileSync(path.join(stateDir, "flips.log"), "utf8").trim().split("\n")
        : [],
    stackFile: (stack) => fs.readFileSync(path.join(programDir, `Pulumi.${stack}.yaml`), "utf8"),
    stop() {
      app.kill();
      if (!process.env.KEEP_E2E) fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
