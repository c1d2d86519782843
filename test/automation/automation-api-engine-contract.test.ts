/**
 * The EnginePort contract (test/support/engine-port-contract.ts) on the Automation-API engine:
 * the real engine (CLI from `npm run toolchain`, file backend) on the fixture program, one
 * stack for every case. Skipped without the toolchain or with OUTPOST_FLEET_SKIP_ENGINE_TESTS=1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AutomationApiEngine } from "../../automation/engine/automation-api-engine";
import { pulumiCommand, pulumiEnvironment } from "../../automation/engine/pulumi-environment";
import { systemClock } from "../../automation/support/clock";
import { silentLogger } from "../../automation/support/logger";
import { requireEngine } from "../support/engine-guard";
import {
  CONTRACT_OUTPOSTS,
  CONTRACT_RELEASE,
  contractState,
  describeEnginePortContract,
} from "../support/engine-port-contract";
import { FIXTURE_PROGRAM, fixtureFolder } from "./support/engine-fixture-program";

describeEnginePortContract(
  "Automation-API engine on the real engine",
  async (context) => {
    requireEngine(context);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-contract-"));
    const state = contractState("blue");
    const programDir = fixtureFolder(path.join(workDir, "program"), {
      "Pulumi.yaml": "name: fleet-fixture\nruntime: nodejs\n",
      "package.json": JSON.stringify({ name: "fleet-fixture", private: true }),
      "index.ts": FIXTURE_PROGRAM,
      "Pulumi.contract.yaml": [
        "config:",
        `  outpost-fleet:outposts: [${CONTRACT_OUTPOSTS.map((o) => `{ name: ${o} }`).join(", ")}]`,
        `  outpost-fleet:release: { version: ${CONTRACT_RELEASE} }`,
        "  outpost-fleet:deployment:",
        ...CONTRACT_OUTPOSTS.map((o) => `    ${o}: ${JSON.stringify(state)}`),
        "",
      ].join("\n"),
    });
    const environment = pulumiEnvironment({ stateDir: path.join(workDir, "state") });
    environment.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    const command = await pulumiCommand(environment);
    const engine = new AutomationApiEngine({
      workDir: programDir,
      environment,
      command,
      clock: systemClock,
      log: silentLogger(),
      baseDelayMs: 200,
      attempts: 20,
    });
    await engine.prepareStack("contract");
    await engine.up("contract");
    let stacks = 0;
    return {
      engine,
      stack: "contract",
      newStackName: () => `fresh-${++stacks}`,
      // What a killed update leaves: a pending create in the backend's checkpoint (`pulumi
      // stack import` would drop it). The file backend keeps one JSON file per stack.
      leavePendingCreate: async (stack) => {
        const file = path.join(
          workDir,
          "state",
          ".pulumi",
          "stacks",
          "fleet-fixture",
          `${stack}.json`,
        );
        const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as {
          checkpoint: {
            latest: {
              resources: { urn: string; type: string; parent?: string; provider?: string }[];
              pending_operations?: unknown[];
            };
          };
        };
        const latest = checkpoint.checkpoint.latest;
        const site = latest.resources.find((r) => r.urn.endsWith("::op-a-state"))!;
        const urn = site.urn.replace(/::op-a-state$/, "::op-ghost-state");
        const resource = {
          urn,
          custom: true,
          type: site.type,
          parent: site.parent,
          provider: site.provider,
        };
        latest.pending_operations = [
          ...(latest.pending_operations ?? []),
          { resource, type: "creating" },
        ];
        fs.writeFileSync(file, JSON.stringify(checkpoint));
        return Promise.resolve({ urn, operation: "creating" });
      },
      differences: {
        unpreparedStack: "creates",
        concurrentUp: "waits",
        kubeconfigOutposts: [CONTRACT_OUTPOSTS[0]],
      },
      dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
    };
  },
  { timeoutMs: 90_000 },
);
