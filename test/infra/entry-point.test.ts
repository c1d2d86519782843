import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { STACK_KEY_DEFAULTS, STACK_KEYS } from "../../infra/config";
import { readStackConfig } from "../../infra/stack-config";

describe("entry point config reading", () => {
  it("reads the stack layer from Pulumi config and keeps secret values secret", async () => {
    const file = parse(
      fs.readFileSync(path.resolve(__dirname, "../../Pulumi.apac.yaml"), "utf8"),
    ) as {
      config: Record<string, unknown>;
    };
    const config = Object.fromEntries(
      Object.entries(file.config).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    );
    pulumi.runtime.setAllConfig(
      { ...config, "outpost-fleet:secrets": JSON.stringify({ "payment-api-key": "pk_live_123" }) },
      ["outpost-fleet:secrets"],
    );
    const { layer, secrets, inventory } = readStackConfig();
    expect(layer.regionGroup).to.equal("apac");
    expect(layer.awsRegion).to.equal("ap-southeast-1");
    expect((layer.outposts as unknown[]).length).to.equal(4);
    expect(layer).to.not.have.property("secrets");
    expect(Object.keys(secrets)).to.deep.equal(["payment-api-key"]);
    expect(await pulumi.isSecret(secrets["payment-api-key"])).to.equal(true);
    expect(inventory).to.deep.equal({ "payment-api-key": "secure" });
    expect(layer.allowMultipleVpcs).to.equal(true);
  });

  it("declares in Pulumi.yaml exactly the stack keys the program knows, with their types", () => {
    const project = parse(
      fs.readFileSync(path.resolve(__dirname, "../../Pulumi.yaml"), "utf8"),
    ) as {
      config: Record<string, { type: string }>;
    };
    expect(Object.keys(project.config)).to.have.members(Object.keys(STACK_KEYS));
    for (const [key, type] of Object.entries(STACK_KEYS)) {
      expect(project.config[key].type, key).to.equal(type);
    }
  });

  it("gives every declared key its default in Pulumi.yaml, the one the program knows", () => {
    // Pulumi requires a value for a declared key without a default on every stack.
    const project = parse(
      fs.readFileSync(path.resolve(__dirname, "../../Pulumi.yaml"), "utf8"),
    ) as {
      config: Record<string, { default?: unknown }>;
    };
    for (const [key, value] of Object.entries(STACK_KEY_DEFAULTS)) {
      expect(project.config[key].default, key).to.deep.equal(value);
    }
  });

  it("drops a placeholder default, as if the stack file did not set the key", () => {
    const config = {
      "outpost-fleet:target": "control",
      "outpost-fleet:regionGroup": "",
      "outpost-fleet:outposts": "[]",
      "outpost-fleet:release": "{}",
      "outpost-fleet:deployment": "{}",
      "outpost-fleet:control": JSON.stringify({ fleetRegions: ["us-east-1"] }),
    };
    pulumi.runtime.setAllConfig(config, []);
    const { layer } = readStackConfig();
    expect(layer).to.deep.equal({
      target: "control",
      deployment: {},
      control: { fleetRegions: ["us-east-1"] },
    });
  });
});
