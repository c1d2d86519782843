/**
 * The real engine, end to end, on a tiny program: the CLI from `npm run toolchain`, our own
 * Node.js language host (Run and RunPlugin), the dynamic-provider launcher, a passphrase secret
 * and a CrossGuard policy pack started through the language host. Needs `npm run toolchain`;
 * set OUTPOST_FLEET_SKIP_ENGINE_TESTS=1 to skip it on a machine without the toolchain.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { EngineEvent, LocalWorkspace, PolicyEvent, Stack } from "@pulumi/pulumi/automation";
import {
  PROJECT_ROOT,
  PulumiEnvironment,
  pulumiCommand,
  pulumiEnvironment,
} from "../../automation/engine/pulumi-environment";
import { requireEngine } from "../support/engine-guard";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const greeter: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "greeting-" + inputs.name, outs: { ...inputs, greeting: "hello " + inputs.name } };
  },
};

class Greeting extends pulumi.dynamic.Resource {
  declare readonly greeting: pulumi.Output<string>;
  constructor(name: string, args: { name: pulumi.Input<string> }) {
    super(greeter, name, { ...args, greeting: undefined }, {});
  }
}

const greeting = new Greeting("greeting", { name: config.require("who") });
export const message = greeting.greeting;
export const tokenLength = config.requireSecret("token").apply((token) => token.length);
`;

const POLICY_PACK = `import { PolicyPack } from "@pulumi/policy";

new PolicyPack("toolchain-check", {
  policies: [
    {
      name: "no-greetings-to-the-fleet",
      description: "Fails on purpose: a greeting must not be addressed to the fleet.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type === "pulumi-nodejs:dynamic:Resource" && args.props.name === "fleet") {
          reportViolation("greeting " + args.name + " is addressed to the fleet");
        }
      },
    },
  ],
});
`;

/** A folder with the given files and the project's node_modules linked in. */
function writeFolder(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

describe("engine toolchain: CLI + our language host + dynamic provider + policy pack", function () {
  this.timeout(60_000);

  let workDir: string;
  let environment: PulumiEnvironment;
  let policyPack: string;
  let stack: Stack;
  let destroyed = false;

  before(async function () {
    requireEngine(this);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-toolchain-"));
    environment = pulumiEnvironment({ stateDir: path.join(workDir, "state") });
    const program = writeFolder(path.join(workDir, "program"), {
      "Pulumi.yaml": "name: toolchain-check\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "toolchain-check", private: true }),
      "index.ts": PROGRAM,
    });
    policyPack = writeFolder(path.join(workDir, "policy"), {
      "PulumiPolicy.yaml": "runtime: nodejs\n",
      "package.json": JSON.stringify({ name: "toolchain-check-policy", version: "1.0.0" }),
      "index.ts": POLICY_PACK,
    });
    const workspace = await LocalWorkspace.create({
      workDir: program,
      pulumiCommand: await pulumiCommand(environment),
      // Type checking is the slow part of starting a TypeScript program; this program has none.
      envVars: { ...environment.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    });
    stack = await Stack.create("toolchain", workspace);
    await stack.setConfig("who", { value: "world" });
    await stack.setConfig("token", { value: "s3cret", secret: true });
  });

  after(async function () {
    if (stack !== undefined && !destroyed) {
      await stack.destroy().catch(() => undefined);
    }
    if (workDir !== undefined) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  it("runs up: the program runs, the dynamic provider creates, secret config decrypts", async () => {
    const result = await stack.up();

    expect(result.summary.result).to.equal("succeeded");
    expect(result.summary.resourceChanges).to.deep.equal({ create: 2 });
    expect(result.outputs.message).to.deep.equal({ value: "hello world", secret: false });
    expect(result.outputs.tokenLength).to.deep.equal({ value: 6, secret: true });
    expect(environment.backendUrl).to.equal(`file://${path.join(workDir, "state")}`);
    expect(fs.existsSync(path.join(workDir, "state", ".pulumi", "stacks"))).to.equal(true);
  });

  it("runs preview with a policy pack and reports its mandatory violation", async () => {
    await stack.setConfig("who", { value: "fleet" });
    const events: EngineEvent[] = [];

    let failure: unknown;
    try {
      await stack.preview({ policyPacks: [policyPack], onEvent: (e) => events.push(e) });
    } catch (err) {
      failure = err;
    }

    expect(failure, "a mandatory violation must fail the preview").to.be.instanceOf(Error);
    const violations = events
      .map((e) => e.policyEvent)
      .filter((p): p is PolicyEvent => p !== undefined);
    expect(violations).to.have.length(1);
    expect(violations[0]).to.include({
      policyPackName: "toolchain-check",
      policyName: "no-greetings-to-the-fleet",
      enforcementLevel: "mandatory",
    });
    expect(violations[0].message).to.contain("greeting greeting is addressed to the fleet");
  });

  it("runs destroy and leaves an empty stack", async () => {
    const result = await stack.destroy();
    destroyed = true;

    expect(result.summary.result).to.equal("succeeded");
    expect(result.summary.resourceChanges).to.deep.equal({ delete: 2 });
    expect(await stack.outputs()).to.deep.equal({});
  });
});
