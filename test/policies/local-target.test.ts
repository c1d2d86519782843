import { expect } from "chai";
import { blueGreenSymmetry } from "../../policies/blue-green-symmetry";
import { consistencyFingerprint } from "../../policies/consistency-fingerprint";
import { fleetPolicies } from "../../policies/pack";
import { releaseVersionConsistency } from "../../policies/release-version-consistency";
import { failures, violations } from "./support/check";
import {
  FINGERPRINT,
  localBalancer,
  localPool,
  localSite,
  OutpostState,
  STEADY,
  VERSION,
  withProp,
} from "./support/fixtures";
import { PackResource } from "./support/run-pack";

/** The local target's dynamic resources (pools and HAProxy), as the pack sees them in a real preview. */
describe("policies: the local target", () => {
  const config = {
    "release-version-consistency": { expectedVersion: VERSION },
    "consistency-fingerprint": { expectedFingerprint: FINGERPRINT },
  };
  const replace = (resources: PackResource[], name: string, next: PackResource) =>
    resources.map((r) => (r.name === name ? next : r));

  it("passes a steady site, and a site midway through a release", async () => {
    expect(await violations(fleetPolicies, localSite(), config)).to.deep.equal([]);
    const midway: OutpostState = {
      blueVersion: "1.9.0",
      greenVersion: VERSION,
      activeColor: "blue",
      candidateWeight: 50,
    };
    const during = {
      ...config,
      "release-version-consistency": { expectedVersion: VERSION, previousVersion: "1.9.0" },
    };
    expect(await failures(fleetPolicies, localSite(midway), during)).to.deep.equal([]);
  });

  it("reads the active color and weights from the balancer, not a color's copy", async () => {
    // The balancer carries the active color's tags, yet it is no third copy of blue.
    expect(await violations([blueGreenSymmetry], localSite())).to.deep.equal([]);
  });

  it("fails a pool that differs from its twin beyond version and size", async () => {
    const site = replace(
      localSite(),
      "nyc-lab1-green-processes",
      withProp(localPool("green", VERSION, 0), "readyPath", "/"),
    );
    const [v] = await failures([blueGreenSymmetry], site);
    expect(v.message).to.equal(
      'Outpost nyc-lab1: pulumi-nodejs:dynamic:Resource nyc-lab1-green-processes differs from nyc-lab1-blue-processes beyond version and size: readyPath (blue "/ready", green "/").',
    );
  });

  it("fails balancer weights that disagree with its candidate weight, and traffic to an empty pool", async () => {
    const balancer = withProp(localBalancer(), "weights", { blue: 90, green: 10 });
    const found = await failures(
      [blueGreenSymmetry],
      replace(localSite(), "nyc-lab1-lb-haproxy", balancer),
    );
    expect(found.map((v) => v.message)).to.deep.equal([
      "Outpost nyc-lab1: nyc-lab1-lb-haproxy sends 10% to green (candidate), but the declared candidate weight is 0% (active blue).",
      "Outpost nyc-lab1: nyc-lab1-lb-haproxy sends traffic to green, but nyc-lab1-green-processes has count 0.",
    ]);
  });

  it("fails an active pool on another version, pointing at the pool", async () => {
    const site = localSite({ ...STEADY, blueVersion: "1.9.0" });
    const [v] = await failures([releaseVersionConsistency], site, config);
    expect(v.message).to.equal(
      "Outpost nyc-lab1 blue (active) runs 1.9.0, but it is on the active path; expected 2.0.0.",
    );
    expect(v.urn).to.equal(site[0].urn);
  });

  it("fails a balancer whose release or fingerprint is not the expected one", async () => {
    const balancer = withProp(
      withProp(localBalancer(), "releaseVersion", "2.1.0"),
      "fingerprint",
      `sha256:${"c".repeat(64)}`,
    );
    const site = replace(localSite(), "nyc-lab1-lb-haproxy", balancer);
    const found = await failures([releaseVersionConsistency, consistencyFingerprint], site, config);
    expect(found.map((v) => [v.policy, v.urn])).to.deep.equal([
      ["release-version-consistency", balancer.urn],
      ["consistency-fingerprint", balancer.urn],
    ]);
  });
});
