import { expect } from "chai";
import { blueGreenSymmetry } from "../../policies/blue-green-symmetry";
import { consistencyFingerprint } from "../../policies/consistency-fingerprint";
import { fleetPolicies } from "../../policies/pack";
import { releaseVersionConsistency } from "../../policies/release-version-consistency";
import { failures, violations } from "./support/check";
import { requiredTags } from "../../policies/required-tags";
import {
  FINGERPRINT,
  LOCAL_CONFIG_ROOT,
  localBalancer,
  localConfigStore,
  localPool,
  localSite,
  OutpostState,
  STEADY,
  VERSION,
  withProp,
} from "./support/policy-fixtures";
import { PackResource } from "./support/run-pack";

/**
 * The local target's dynamic resources (pools, HAProxy, config store), as the pack sees them in
 * a real preview.
 */
describe("policies: the local target", () => {
  const config = {
    "release-version-consistency": { expectedVersion: VERSION },
    "consistency-fingerprint": { expectedFingerprint: FINGERPRINT },
  };
  const replace = (resources: PackResource[], name: string, next: PackResource) =>
    resources.map((r) => (r.name === name ? next : r));

  /** A local stack of one Outpost: its site, and the stack-wide config store. */
  const stack = (state: OutpostState = STEADY) => [...localSite(state), localConfigStore()];

  it("passes a steady site, and a site midway through a release", async () => {
    expect(await violations(fleetPolicies, stack(), config)).to.deep.equal([]);
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
    expect(await failures(fleetPolicies, stack(midway), during)).to.deep.equal([]);
  });

  it("reads the active color and weights from the balancer, not a color's copy", async () => {
    expect(await violations([blueGreenSymmetry], localSite())).to.deep.equal([]);
  });

  it("requires site tags on the balancer and stack tags on the config store, nothing per color", async () => {
    expect(await violations([requiredTags], stack())).to.deep.equal([]);
    const untagged = withProp(localBalancer(), "tags.Outpost", undefined);
    const [v] = await failures([requiredTags], [untagged]);
    expect(v.message).to.equal(
      "is missing tag Outpost (required here: Environment, Region, DeploymentId, Outpost).",
    );
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

  it("reads the release and the fingerprint from the config store, not from any balancer", async () => {
    const store = localConfigStore("2.1.0", `sha256:${"c".repeat(64)}`);
    const found = await failures(
      [releaseVersionConsistency, consistencyFingerprint],
      [...localSite(), store],
      config,
    );
    expect(found.map((v) => [v.policy, v.urn, v.message])).to.deep.equal([
      [
        "release-version-consistency",
        store.urn,
        `us-config-documents document ${LOCAL_CONFIG_ROOT}/release/version runs 2.1.0; the release is 2.0.0.`,
      ],
      [
        "consistency-fingerprint",
        store.urn,
        `config store document ${LOCAL_CONFIG_ROOT}/fingerprint is sha256:${"c".repeat(64)}, but this release expects ${FINGERPRINT} on every stack: this stack's release or fleet-wide config differs from the others'.`,
      ],
    ]);
    // A site alone carries no stack-wide release: nothing per Outpost follows the release.
    const [missing] = await failures([consistencyFingerprint], localSite(), config);
    expect(missing.message).to.match(
      /^no SSM parameter, config store document, stack output or tag/,
    );
  });
});
