import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { PreviewOptions } from "../../automation/engine/engine-port";
import { RolloutExecutor } from "../../automation/executor/rollout-executor";
import {
  expectedFingerprint,
  releasePolicyConfigWriter,
} from "../../automation/policy/release-policy-config";
import { loadFleetConfig, readStackFile, STACK_KEY_DEFAULTS } from "../../infra/config";
import { makeHarness } from "./support/executor-harness";

/** A stack's config as the engine returns it: Pulumi.<stack>.yaml's `config` map. */
function engineConfig(stack: string, change: Record<string, unknown> = {}) {
  const file = parse(
    fs.readFileSync(path.resolve(__dirname, `../../Pulumi.${stack}.yaml`), "utf8"),
  ) as {
    config: Record<string, unknown>;
  };
  return {
    readConfig: () =>
      Promise.resolve({ ...file.config, "outpost-fleet:secrets": "[secret]", ...change }),
  };
}

describe("driver: per-stack policy config for the preflight preview", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-fleet-policy-config-"));

  it("reads a stack as the engine hands it, with Pulumi.yaml's defaults for the keys it does not set", async () => {
    // The engine reports every declared key; placeholders such as control: {} mean unset.
    const defaults = Object.fromEntries(
      Object.entries(STACK_KEY_DEFAULTS).map(([key, value]) => [`outpost-fleet:${key}`, value]),
    );
    const { readConfig } = engineConfig("local-us");
    const withDefaults = { readConfig: async () => ({ ...defaults, ...(await readConfig()) }) };
    const file = await releasePolicyConfigWriter(withDefaults, dir)("local-us", "2.1.0", "2.0.0");
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(content["release-version-consistency"]).to.deep.equal({
      expectedVersion: "2.1.0",
      previousVersion: "2.0.0",
    });
  });

  it("expects the release, the version it replaces, the fleet fingerprint and the stack's Outposts", async () => {
    const file = await releasePolicyConfigWriter(engineConfig("eu"), dir)("eu", "2.1.0", "2.0.0");
    const content = JSON.parse(fs.readFileSync(file, "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(content["release-version-consistency"]).to.deep.equal({
      expectedVersion: "2.1.0",
      previousVersion: "2.0.0",
    });
    const release = loadFleetConfig({ ...readStackFile("eu"), release: { version: "2.1.0" } });
    expect(content["consistency-fingerprint"]).to.deep.equal({
      expectedFingerprint: release.fingerprint,
    });
    const placement = content["outpost-placement"].outposts as { name: string }[];
    expect(placement.map((o) => o.name)).to.deep.equal([
      "dub-dc1",
      "fra-dc1",
      "ams-dc1",
      "lhr-dc1",
    ]);
  });

  it("expects the same fingerprint of every region, and not a stack's own override", () => {
    const prints = ["us", "eu", "apac"].map((stack) => {
      const file = parse(
        fs.readFileSync(path.resolve(__dirname, `../../Pulumi.${stack}.yaml`), "utf8"),
      ) as {
        config: Record<string, unknown>;
      };
      return expectedFingerprint(file.config, "2.1.0");
    });
    expect(new Set(prints).size).to.equal(1);
    const drifted = { "outpost-fleet:overrides": { monitoring: { evaluationPeriods: 5 } } };
    const withOverride = loadFleetConfig({
      ...readStackFile("us"),
      ...{ overrides: drifted["outpost-fleet:overrides"] },
      release: { version: "2.1.0" },
    });
    expect(withOverride.fingerprint).to.not.equal(prints[0]);
  });

  it("the executor previews every stack with its own file before any change", async () => {
    // (without policy packs there is nothing to configure, and no file is written)
    const harness = makeHarness({ settings: { policyPacks: ["/packs/policies"] } });
    const seen: string[][] = [];
    const preview = harness.engine.preview.bind(harness.engine);
    harness.engine.preview = (stack: string, options: PreviewOptions) => {
      seen.push([stack, ...options.policyPackConfigs]);
      return preview(stack, options);
    };
    const executor = new RolloutExecutor({
      ...harness.deps(),
      releasePolicyConfig: (stack, release, previous) =>
        Promise.resolve(`/configs/${stack}-${release}-from-${previous}.json`),
    });
    const outcome = await executor.start(harness.plan, "deploy");
    expect(outcome.kind).to.equal("succeeded");
    const stacks = harness.plan.waves.flatMap((wave) => [
      ...new Set(wave.stages.map((s) => s.stack)),
    ]);
    expect(seen).to.deep.equal(
      stacks.map((stack) => [stack, `/configs/${stack}-2.1.0-from-2.0.0.json`]),
    );
  });
});
