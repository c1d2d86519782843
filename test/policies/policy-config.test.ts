import { expect } from "chai";
import { loadFleetConfig, readStackFile } from "../../infra/config";
import { fleetPolicies } from "../../policies/pack";
import { policyConfigFor } from "../../policies/policy-config";
import { policyConfigForStack } from "../../policies/write-config";
import { PackConfig, reconcileConfig } from "./support/run-pack";

describe("policies: policyConfigFor", () => {
  const config = loadFleetConfig(readStackFile("us"));
  const expected = { version: "2.1.0", fingerprint: config.fingerprint };

  it("states the release, the fingerprint and the stack's Outposts", () => {
    const file = policyConfigFor(config, expected);
    expect(file["release-version-consistency"]).to.deep.equal({ expectedVersion: "2.1.0" });
    expect(file["consistency-fingerprint"]).to.deep.equal({
      expectedFingerprint: config.fingerprint,
    });
    expect(file["outpost-placement"]?.outposts).to.deep.include({
      name: "nyc-dc1",
      arn: "arn:aws:outposts:us-east-1:111122223333:outpost/op-1c17149d439536b32",
      subnetId: "subnet-16fdaeeb975729fae",
      vpcId: "vpc-923d5a4fd12aabfe2",
    });
    expect(file["outpost-capacity"]?.outposts).to.deep.include({
      name: "dfw-dc1",
      instanceTypes: ["m5.xlarge", "m5.2xlarge", "c5.xlarge"],
      capacity: { min: 2, desired: 3, max: 6, maxInstances: 24 },
    });
    expect(file["canary-shape"]).to.deep.equal({ weights: [10, 50, 100] });
    expect(file["required-tags"]?.expectedValues).to.deep.equal({
      Environment: "production",
      Region: "us-east-1",
      Outpost: ["nyc-dc1", "iad-dc2", "ord-dc1", "dfw-dc1"],
    });
    expect(file["no-plaintext-secrets"]).to.deep.equal({
      secretNames: ["database-password", "cache-auth-token", "payment-api-key"],
    });
  });

  it("adds the previous version and the weight cap while a release rolls out", () => {
    const file = policyConfigFor(config, {
      ...expected,
      previousVersion: "2.0.0",
      maxCandidateWeight: 50,
    });
    expect(file["release-version-consistency"]).to.deep.equal({
      expectedVersion: "2.1.0",
      previousVersion: "2.0.0",
      maxCandidateWeight: 50,
    });
  });

  it("writes JSON that every policy's schema accepts", () => {
    const json = JSON.parse(JSON.stringify(policyConfigFor(config, expected))) as PackConfig;
    expect(() => reconcileConfig(fleetPolicies, json)).not.to.throw();
  });

  it("is pure: the same input gives the same file, and the config is not changed", () => {
    const before = JSON.stringify(config);
    expect(policyConfigFor(config, expected)).to.deep.equal(policyConfigFor(config, expected));
    expect(JSON.stringify(config)).to.equal(before);
  });

  describe("policyConfigForStack (policies/write-config.ts)", () => {
    it("defaults to the stack's own release and fingerprint", () => {
      const file = policyConfigForStack({ stack: "us" });
      expect(file["release-version-consistency"]).to.deep.equal({
        expectedVersion: config.release.version,
      });
      expect(file["consistency-fingerprint"]).to.deep.equal({
        expectedFingerprint: config.fingerprint,
      });
    });

    it("holds a stack to a reference stack's fingerprint for the new release", () => {
      const file = policyConfigForStack({
        stack: "apac",
        version: "2.1.0",
        previousVersion: "2.0.0",
        fingerprintFrom: "us",
      });
      const reference = loadFleetConfig({ ...readStackFile("us"), release: { version: "2.1.0" } });
      expect(file["consistency-fingerprint"]).to.deep.equal({
        expectedFingerprint: reference.fingerprint,
      });
      expect(file["release-version-consistency"]).to.deep.equal({
        expectedVersion: "2.1.0",
        previousVersion: "2.0.0",
      });
      expect(
        (file["outpost-placement"]?.outposts as { name: string }[]).map((o) => o.name),
      ).not.to.include("nyc-dc1");
    });
  });
});
