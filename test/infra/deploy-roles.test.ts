import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");

function stackConfig(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  return (parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

/** The account an ARN belongs to (its fifth field). */
const accountOf = (arn: string) => arn.split(":")[4];

describe("the example fleet's deploy roles", () => {
  const control = stackConfig("control")["outpost-fleet:control"] as {
    stagingStacks: string[];
    productionStacks: string[];
    deployRoles: Record<string, string>;
  };
  const stacks = [...control.stagingStacks, ...control.productionStacks];

  it("lists a role for every pipeline stack, and each stack file assumes exactly that role", () => {
    expect(Object.keys(control.deployRoles).sort()).to.deep.equal([...stacks].sort());
    for (const stack of stacks) {
      const assumed = stackConfig(stack)["aws:assumeRoles"] as { roleArn: string }[];
      expect(assumed, stack).to.deep.equal([
        { roleArn: control.deployRoles[stack], sessionName: "outpost-fleet-driver" },
      ]);
    }
  });

  it("puts each role in the account of its stack's Outposts", () => {
    for (const stack of stacks) {
      const outposts = stackConfig(stack)["outpost-fleet:outposts"] as { arn: string }[];
      const accounts = new Set(outposts.map((outpost) => accountOf(outpost.arn)));
      expect([...accounts], stack).to.deep.equal([accountOf(control.deployRoles[stack])]);
    }
  });
});
