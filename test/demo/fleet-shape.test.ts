import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { loadFleetConfig, type StackLayer, stackLayerFromConfig } from "../../infra/config";
import {
  outpostsPerStack,
  type StackFileConfig,
  withOutposts,
  withPoolSize,
} from "../../scripts/demo/fleet-shape";

const ROOT = path.resolve(__dirname, "../..");
const stackFile = (name: string) =>
  parse(fs.readFileSync(path.join(ROOT, `Pulumi.${name}.yaml`), "utf8")) as StackFileConfig;

/** The stack layer the program would read from a reshaped stack file. */
const layerOf = (file: StackFileConfig): StackLayer => stackLayerFromConfig(file.config);

describe("demo: the fleet's shape (--outposts)", () => {
  it("spreads the Outposts evenly over the stacks, the first ones first", () => {
    expect(outpostsPerStack(12, 3)).to.deep.equal([4, 4, 4]);
    expect(outpostsPerStack(14, 3)).to.deep.equal([5, 5, 4]);
    expect(outpostsPerStack(3, 3)).to.deep.equal([1, 1, 1]);
  });

  it("refuses fewer Outposts than stacks, or a fraction, naming the flag", () => {
    expect(() => outpostsPerStack(2, 3)).to.throw(
      "--outposts 2: must be a whole number, at least one per stack (3)",
    );
    expect(() => outpostsPerStack(4.5, 3)).to.throw("--outposts 4.5");
  });

  it("keeps the stack's own Outposts and adds more in their image, each with its own ids", () => {
    const shaped = withOutposts("local-us", stackFile("local-us"), 4);
    const outposts = shaped.config["outpost-fleet:outposts"] as Record<string, string>[];
    expect(outposts.map((o) => o.name)).to.deep.equal([
      "nyc-lab1",
      "iad-lab1",
      "nyc-lab2",
      "iad-lab2",
    ]);
    for (const key of ["arn", "subnetId", "vpcId"]) {
      expect(new Set(outposts.map((o) => o[key])).size, key).to.equal(4);
    }
    expect(outposts[2].instanceType).to.equal(outposts[0].instanceType);
    const deployment = shaped.config["outpost-fleet:deployment"] as Record<string, unknown>;
    expect(Object.keys(deployment)).to.deep.equal(["nyc-lab1", "iad-lab1", "nyc-lab2", "iad-lab2"]);
    expect(deployment["nyc-lab2"]).to.deep.equal(deployment["nyc-lab1"]);
  });

  it("gives a fleet the program's config checks accept, and can shrink a stack too", () => {
    for (const stack of ["local-us", "local-eu", "local-apac"]) {
      const config = loadFleetConfig(layerOf(withOutposts(stack, stackFile(stack), 16)));
      expect(config.outposts).to.have.length(16);
    }
    const one = withOutposts("local-eu", stackFile("local-eu"), 1);
    expect(loadFleetConfig(layerOf(one)).outposts.map((o) => o.name)).to.deep.equal([
      (stackFile("local-eu").config["outpost-fleet:outposts"] as { name: string }[])[0].name,
    ]);
  });

  it("lightens every pool to one process per color, and refuses less", () => {
    const light = withPoolSize(withOutposts("local-eu", stackFile("local-eu"), 3), 1);
    const outposts = light.config["outpost-fleet:outposts"] as { capacity: unknown }[];
    expect(outposts.map((o) => o.capacity)).to.deep.equal(
      Array(3).fill({ min: 1, desired: 1, max: 1, maxInstances: 4 }),
    );
    expect(loadFleetConfig(layerOf(light)).outposts).to.have.length(3);
    expect(() => withPoolSize(light, 0)).to.throw(
      "--processes-per-color 0: must be a whole number, 1 or more",
    );
  });
});
