/**
 * A real S3 server for tests: versitygw (built into .tools/bin by `npm run toolchain`) with
 * its posix backend in a temporary folder, on a loopback port. It honours conditional writes
 * (If-None-Match, If-Match) and conditional deletes like S3 does. The server can be stopped
 * and started again on the same port and data, to test a store that goes away.
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TOOLS_BIN_DIR } from "../../automation/engine/pulumi-environment";
import { isExecutable } from "../../infra/host";
import { accepts, freePort } from "./free-port";

export const VERSITYGW = path.join(TOOLS_BIN_DIR, "versitygw");

const ACCESS_KEY = "outpost-fleet-test";
const SECRET_KEY = "outpost-fleet-test-secret";

export class S3TestServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts a server in a fresh temporary folder; fails naming `npm run toolchain` without it. */
  static async start(): Promise<S3TestServer> {
    if (!isExecutable(VERSITYGW)) {
      throw new Error(`${VERSITYGW} is missing: run npm run toolchain (it go-installs versitygw)`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-s3-"));
    fs.mkdirSync(path.join(dir, "data"));
    fs.mkdirSync(path.join(dir, "iam"));
    const server = new S3TestServer(dir, await freePort());
    await server.resume();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Credentials and endpoint as a CI job would have them in its environment. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_REGION: "us-east-1",
      ...overrides,
    };
  }

  /** A Pulumi DIY backend URL for a bucket of this server. */
  backendUrl(bucket: string): string {
    return `s3://${bucket}?endpoint=${this.endpoint}&use_path_style=true&region=us-east-1`;
  }

  /** A journal URL with the endpoint as a parameter. */
  journalUrl(bucket: string, prefix: string): string {
    return `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(this.endpoint)}&region=us-east-1`;
  }

  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    });
  }

  async createBucket(name: string): Promise<string> {
    await this.client().send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  /** Every object key of a bucket, from the posix backend's folder (no S3 call). */
  keys(bucket: string): string[] {
    const root = path.join(this.dir, "data", bucket);
    const walk = (dir: string): string[] =>
      fs.existsSync(dir)
        ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
            const full = path.join(dir, entry.name);
            return entry.isDirectory() ? walk(full) : [path.relative(root, full)];
          })
        : [];
    return walk(root).sort();
  }

  /** Stops the server (SIGKILL: as if it had crashed); the data stays. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts it (again) on the same port and data; resolves once it accepts connections. */
  async resume(): Promise<void> {
    const log = fs.openSync(path.join(this.dir, "versitygw.log"), "a");
    const child = spawn(
      VERSITYGW,
      [
        "--port",
        `127.0.0.1:${this.port}`,
        "--iam-dir",
        path.join(this.dir, "iam"),
        "--quiet",
        "posix",
        path.join(this.dir, "data"),
      ],
      {
        env: { ...process.env, ROOT_ACCESS_KEY: ACCESS_KEY, ROOT_SECRET_KEY: SECRET_KEY },
        stdio: ["ignore", log, log],
      },
    );
    fs.closeSync(log);
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `versitygw did not start on port ${this.port}: ${fs.readFileSync(path.join(this.dir, "versitygw.log"), "utf8")}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
