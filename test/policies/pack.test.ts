import { expect } from "chai";
import Ajv from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { fleetPolicies, PACK_NAME } from "../../policies/pack";
import { POLICY } from "../../policies/names";
import { reconcileConfig } from "./support/run-pack";

const PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

describe("policies: the pack", () => {
  it("is a nodejs CrossGuard pack with a name and a version", () => {
    const manifest = parse(fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")) as {
      runtime: string;
    };
    expect(manifest.runtime).to.equal("nodejs");
    // PolicyPack reads the version from package.json in the folder the engine starts it in.
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as {
      version: string;
    };
    expect(pkg.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(PACK_NAME).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
  });

  it("holds every named policy once", () => {
    const names = fleetPolicies.map((p) => p.name);
    expect(names).to.have.members(Object.values(POLICY));
    expect(new Set(names).size).to.equal(names.length);
  });

  for (const policy of fleetPolicies) {
    describe(policy.name, () => {
      it("has a kebab-case name and a one-sentence description", () => {
        expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(policy.description).to.match(/^[A-Z].*\.$/);
        expect(policy.description.slice(0, -1)).not.to.match(/\.\s/);
      });

      it("sets its enforcement level and keeps enforcementLevel out of its schema", () => {
        expect(policy.enforcementLevel).to.be.oneOf(["advisory", "mandatory", "disabled"]);
        expect(policy.configSchema?.properties ?? {}).not.to.have.property("enforcementLevel");
        expect(policy.configSchema?.required ?? []).to.deep.equal([]);
      });

      it("has a valid config schema whose defaults satisfy it, with a description per parameter", () => {
        const schema = { type: "object", properties: policy.configSchema?.properties ?? {} };
        expect(() => new Ajv({ strict: false }).compile(schema)).not.to.throw();
        for (const [key, property] of Object.entries(policy.configSchema?.properties ?? {})) {
          expect(property.description, key).to.be.a("string");
        }
        expect(() => reconcileConfig([policy])).not.to.throw();
      });
    });
  }

  it("takes a level per policy from policy config, and 'all' for every policy", () => {
    const levels = reconcileConfig(fleetPolicies, { all: "advisory", "required-tags": "disabled" });
    expect(levels.get("required-tags")?.level).to.equal("disabled");
    expect(levels.get("canary-shape")?.level).to.equal("advisory");
  });

  it("refuses policy config that does not match a schema, like the CLI does", () => {
    expect(() =>
      reconcileConfig(fleetPolicies, { "outpost-capacity": { outposts: [{ name: "x" }] } }),
    ).to.throw(/outpost-capacity/);
  });
});
