/**
 * Records a local-target stack under mocks, the way the engine would see it: the three dynamic
 * providers answer like the real ones (pools report processes and ports, balancers their
 * endpoints, socket and server slots, the config store its documents), and the root stack
 * carries the outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackFile, StackLayer } from "../../../infra/config";
import type { RecordedStack } from "../../support/record-stack";

type Inputs = Record<string, unknown>;

class LocalProviderMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedStack["resources"] = [];
  private nextPort = 40_000;

  constructor(private readonly stack: string) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
    const inputs = args.inputs as Inputs;
    const custom = args.custom !== false;
    this.resources.push({
      type: args.type,
      name: args.name,
      urn: `urn:pulumi:${this.stack}::outpost-fleet::${args.type}::${args.name}`,
      inputs,
      custom,
    });
    if (!custom) return { id: undefined, state: {} };
    if (args.type !== "pulumi-nodejs:dynamic:Resource")
      throw new Error(`unexpected resource type ${args.type}`);
    if ("documents" in inputs) return { id: `${args.name}-id`, state: inputs };
    if ("slotsPerColor" in inputs) {
      const port = this.nextPort++;
      const previewPort = this.nextPort++;
      const slots = (color: string) =>
        Array.from(
          { length: Number(inputs.slotsPerColor) },
          (_, i) => `${String(inputs.backend)}/${color}-${i + 1}`,
        );
      return {
        id: `${args.name}-id`,
        state: {
          ...inputs,
          endpoint: `http://127.0.0.1:${port}`,
          previewEndpoint: `http://127.0.0.1:${previewPort}`,
          socketPath: `/tmp/run/${args.name}/haproxy.sock`,
          servers: { blue: slots("blue"), green: slots("green") },
          health: {},
        },
      };
    }
    const ports = Array.from({ length: Number(inputs.count) }, () => this.nextPort++);
    return {
      id: `${args.name}-id`,
      state: {
        ...inputs,
        ports,
        processes: ports.map((p, i) => ({ slot: i + 1, pid: p, port: p })),
      },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    throw new Error(`unexpected call ${args.token}`);
  }
}

/** A stand-in haproxy: the program only checks that one exists before registering anything. */
let haproxy: string | undefined;
function fakeHaproxy(): string {
  if (haproxy === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policies-haproxy-"));
    haproxy = path.join(dir, "haproxy");
    fs.writeFileSync(haproxy, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return haproxy;
}

async function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return settle(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const)),
    );
  }
  return value;
}

export async function recordLocalStack(
  stack: string,
  layer: StackLayer = readStackFile(stack),
): Promise<RecordedStack> {
  const mocks = new LocalProviderMocks(stack);
  await pulumi.runtime.setMocks(mocks, "outpost-fleet", stack, false);
  const saved = {
    haproxy: process.env.OUTPOST_FLEET_HAPROXY,
    runDir: process.env.OUTPOST_FLEET_RUN_DIR,
  };
  process.env.OUTPOST_FLEET_HAPROXY = fakeHaproxy();
  process.env.OUTPOST_FLEET_RUN_DIR = path.join(os.tmpdir(), "policies-local-run", stack);
  try {
    // Loaded after the mocks are in place, as Pulumi's testing guide does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../../infra/program") as typeof import("../../../infra/program");
    const outputs = (await settle(program.fleetProgram(layer))) as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { resources: mocks.resources, outputs, calls: [] };
  } finally {
    for (const [key, value] of [
      ["OUTPOST_FLEET_HAPROXY", saved.haproxy],
      ["OUTPOST_FLEET_RUN_DIR", saved.runDir],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
