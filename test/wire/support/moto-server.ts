/**
 * A real AWS API implementation for the wire tests: moto's standalone server (`moto_server`,
 * moto 5.2.1) on a free loopback port, started for a suite and stopped after it. The SDK
 * clients of the runtime talk to it over HTTP exactly as to AWS: same serialisation, signing,
 * pagination tokens and error codes. Accounts are moto's: the default one is the driver's (the
 * control account, where CodeBuild runs); credentials from an STS AssumeRole act in the role's
 * account, so a chain of roles really lands in another account.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { accepts, freePort } from "../../support/free-port";

/** The version the suite was written against; moto's behaviour differs between versions. */
export const MOTO_VERSION = "5.2.1";

export const INSTALL_HINT = `pip install "moto[server]==${MOTO_VERSION}"`;

/** The driver's own account: the control account of the example fleet (config/layers). */
export const DRIVER_ACCOUNT = "111122223333";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** moto accepts any key; these stand for the driver's own (CodeBuild's build role). */
export const DRIVER_CREDENTIALS: AwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** `moto_server` on PATH, or undefined. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "moto_server");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class MotoServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts moto_server; fails naming what to install when it is missing. */
  static async start(env: NodeJS.ProcessEnv = process.env): Promise<MotoServer> {
    const command = findMotoServer(env);
    if (command === undefined) {
      throw new Error(
        `moto_server is not on PATH: the wire tests need moto's server (${INSTALL_HINT})`,
      );
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-moto-"));
    const port = await freePort();
    const log = fs.openSync(path.join(dir, "moto.log"), "a");
    const child = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], {
      // No MOTO_ACCOUNT_ID: it would put every request in one account, assumed roles too.
      env,
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    const server = new MotoServer(child, dir, port);
    const deadline = Date.now() + 20_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        const output = fs.readFileSync(path.join(dir, "moto.log"), "utf8");
        await server.stop();
        throw new Error(`moto_server did not start on port ${port} (${INSTALL_HINT}): ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What every SDK client of a wire test takes: moto's endpoint, a region and credentials. */
  clientConfig(
    region: string,
    credentials: AwsCredentials = DRIVER_CREDENTIALS,
  ): { endpoint: string; region: string; credentials: AwsCredentials } {
    return { endpoint: this.endpoint, region, credentials };
  }

  /** moto's own API (`/moto-api/...`): seeding what the AWS API cannot, and resets. */
  async motoApi(route: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/${route}`, {
      method: "POST",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`moto-api/${route}: ${response.status}`);
  }

  /** Stops the server (SIGTERM, then SIGKILL) and removes its folder. */
  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
