import { expect } from "chai";
import { releaseVersionConsistency } from "../../policies/release-version-consistency";
import { failures, violations } from "./support/check";
import {
  OutpostState,
  outpostSite,
  parameter,
  rollout,
  STEADY,
  stackOutputs,
  VERSION,
  withProp,
} from "./support/policy-fixtures";
import { PackResource } from "./support/run-pack";

describe("policies: release-version-consistency", () => {
  const config = (extra: Record<string, unknown> = {}) => ({
    "release-version-consistency": { expectedVersion: VERSION, ...extra },
  });
  const stack = (state: OutpostState, release = VERSION): PackResource[] => [
    stackOutputs({ "nyc-dc1": state }, release),
    ...outpostSite(state),
    rollout(release),
    parameter("/outpost-fleet/production/us/release/version", release),
  ];
  const find = (resources: PackResource[], name: string) => resources.find((r) => r.name === name)!;

  it("passes a steady stack on the expected version", async () => {
    expect(await violations([releaseVersionConsistency], stack(STEADY), config())).to.deep.equal(
      [],
    );
  });

  it("fails an Outpost whose active color runs another version", async () => {
    const resources = stack({ ...STEADY, blueVersion: "1.9.0", greenVersion: "1.9.0" });
    const [v, ...rest] = await failures([releaseVersionConsistency], resources, config());
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      "Outpost nyc-dc1 blue (active) runs 1.9.0, but it is on the active path; expected 2.0.0.",
    );
    expect(v.urn).to.equal(find(resources, "nyc-dc1-blue-lt").urn);
  });

  it("allows another version on an idle color that takes no traffic", async () => {
    expect(
      await failures(
        [releaseVersionConsistency],
        stack({ ...STEADY, greenVersion: "1.9.0" }),
        config(),
      ),
    ).to.deep.equal([]);
  });

  it("fails another version on a candidate that takes traffic", async () => {
    const resources = stack({ ...STEADY, greenVersion: "1.9.0", candidateWeight: 10 });
    const [v] = await failures([releaseVersionConsistency], resources, config());
    expect(v.message).to.equal(
      "Outpost nyc-dc1 green (candidate) runs 1.9.0, but it takes 10% of traffic; expected 2.0.0.",
    );
    expect(v.urn).to.equal(find(resources, "nyc-dc1-green-lt").urn);
  });

  it("during a release, allows the previous version on the active color and the release on the candidate", async () => {
    const midway: OutpostState = {
      blueVersion: "1.9.0",
      greenVersion: VERSION,
      activeColor: "blue",
      candidateWeight: 50,
    };
    expect(
      await failures(
        [releaseVersionConsistency],
        stack(midway),
        config({ previousVersion: "1.9.0" }),
      ),
    ).to.deep.equal([]);
  });

  it("during a release, fails a candidate above the allowed weight", async () => {
    const midway: OutpostState = {
      blueVersion: "1.9.0",
      greenVersion: VERSION,
      activeColor: "blue",
      candidateWeight: 50,
    };
    const [v] = await failures(
      [releaseVersionConsistency],
      stack(midway),
      config({ previousVersion: "1.9.0", maxCandidateWeight: 10 }),
    );
    expect(v.message).to.equal(
      "Outpost nyc-dc1 green (candidate) runs 2.0.0 beside 1.9.0 on blue and takes 50% of traffic; mixed versions may take at most 10%.",
    );
  });

  it("fails a Rollout on another version", async () => {
    const resources = stack(STEADY).map((r) =>
      r.name === "nyc-dc1-rollout" ? rollout("2.1.0") : r,
    );
    const [v] = await failures([releaseVersionConsistency], resources, config());
    expect(v.message).to.equal(
      "nyc-dc1-rollout containers[0].image, nyc-dc1-rollout containers[0] env APP_VERSION, nyc-dc1-rollout pod label version run 2.1.0; the release is 2.0.0.",
    );
    expect(v.urn).to.equal(find(resources, "nyc-dc1-rollout").urn);
  });

  it("fails one color whose resources disagree on its version", async () => {
    const resources = stack(STEADY).map((r) =>
      r.name === "nyc-dc1-blue-lt" ? withProp(r, "tags.AppVersion", "2.0.1") : r,
    );
    const [v] = await failures([releaseVersionConsistency], resources, config());
    expect(v.message).to.equal(
      "Outpost nyc-dc1 blue runs more than one version: 2.0.1 (nyc-dc1-blue-lt tag AppVersion) vs 2.0.0 (" +
        "nyc-dc1-blue-lt tagSpecifications[0] AppVersion, nyc-dc1-blue-lt tagSpecifications[1] AppVersion, " +
        "nyc-dc1-blue-lt userData APP_VERSION, nyc-dc1-blue-asg tag AppVersion, " +
        "outpost-fleet-us output outposts.nyc-dc1.versions.blue).",
    );
  });

  it("without an expected version, notes the skip", async () => {
    const found = await violations([releaseVersionConsistency], stack(STEADY));
    expect(found.map((v) => [v.level, v.message.split(":")[0]])).to.deep.equal([
      ["advisory", "release-version-consistency did not run"],
    ]);
  });
});
