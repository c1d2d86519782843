/**
 * The whole pack on the whole example fleet: the real program under strict mocks for every
 * example stack, every resource through every resource policy and every stack policy, with
 * the policy config the driver would pass. Then broken variants, each of which must produce
 * exactly the violations it deserves and nothing else.
 */
import { expect } from "chai";
import { FleetConfig, loadFleetConfig, StackLayer } from "../../infra/config";
import { fleetPolicies } from "../../policies/pack";
import { policyConfigFor } from "../../policies/policy-config";
import { recordStack } from "../support/record-stack";
import { recordLocalStack } from "./support/record-local";
import { packResources } from "./support/recorded";
import { PackConfig, PackResource, runPack, Violation } from "./support/run-pack";
import { pinnedStack } from "./support/stacks";

const STACKS = ["us", "eu", "apac"] as const;
/** Wave 0 on AWS: one staging Outpost per region group. */
const STAGING_STACKS = ["staging-us", "staging-eu", "staging-apac"] as const;
/** The local target's stacks: real processes behind HAProxy, recorded with their providers mocked. */
const LOCAL_STACKS = ["local-staging", "local-us", "local-eu", "local-apac"] as const;

/**
 * Mandatory findings the example fleet has today, which are program bugs to fix in infra/.
 * Remove an entry when its fix lands; the test then holds the fleet to zero.
 */
/** The fingerprint the driver expects: one value for the whole fleet (the us stack's). */
const reference = loadFleetConfig(pinnedStack("us"));
/** ...and one for the staging stacks: their environment layer is staging's. */
const stagingReference = loadFleetConfig(pinnedStack("staging-us"));

function driverConfig(config: FleetConfig, fingerprint = reference.fingerprint): PackConfig {
  return policyConfigFor(config, { version: config.release.version, fingerprint }) as PackConfig;
}

const recordings = new Map<string, Promise<PackResource[]>>();
function recorded(
  stack: string,
  layer: StackLayer | string = stack,
  key = stack,
): Promise<PackResource[]> {
  if (!recordings.has(key))
    recordings.set(
      key,
      recordStack(layer).then((r) => packResources(r, stack)),
    );
  return recordings.get(key)!;
}

/** "policy @ resource name: message", the shape the assertions below compare. */
function summary(violations: readonly Violation[]): string[] {
  return violations
    .map((v) => `${v.policy} @ ${v.urn?.split("::").pop() ?? "(stack)"}: ${v.message}`)
    .sort();
}

async function evaluate(resources: PackResource[], config: PackConfig): Promise<Violation[]> {
  return (await runPack(fleetPolicies, resources, config)).violations;
}

function change(
  resources: PackResource[],
  name: string,
  edit: (props: Record<string, unknown>) => void,
): PackResource[] {
  return resources.map((r) => {
    if (r.name !== name) return r;
    const props = structuredClone(r.props);
    edit(props);
    return { ...r, props };
  });
}

describe("policies: the example fleet", function () {
  this.timeout(60000);

  for (const stack of STACKS) {
    it(`${stack}: passes every policy with the driver's config`, async () => {
      const config = loadFleetConfig(pinnedStack(stack));
      const violations = await evaluate(await recorded(stack), driverConfig(config));
      expect(summary(violations)).to.deep.equal([]);
    });
  }

  for (const stack of STAGING_STACKS) {
    it(`${stack}: passes every policy with the driver's config`, async () => {
      const config = loadFleetConfig(pinnedStack(stack));
      const violations = await evaluate(
        await recorded(stack),
        driverConfig(config, stagingReference.fingerprint),
      );
      expect(summary(violations)).to.deep.equal([]);
    });
  }

  for (const stack of LOCAL_STACKS) {
    it(`${stack}: passes every policy with the driver's config`, async () => {
      const config = loadFleetConfig(pinnedStack(stack));
      const resources = packResources(await recordLocalStack(stack, pinnedStack(stack)), stack);
      const violations = await evaluate(resources, driverConfig(config, config.fingerprint));
      expect(summary(violations)).to.deep.equal([]);
    });
  }

  it("us with extended clusters (IRSA roles, OIDC providers): passes every policy", async () => {
    const base = pinnedStack("us");
    const layer = {
      ...base,
      outposts: (base.outposts as Record<string, unknown>[]).map((o, i) => ({
        ...o,
        clusterKind: "extended",
        regionSubnetIds: [`subnet-0aaaaaaaaaaaaaa${i}a`, `subnet-0bbbbbbbbbbbbbb${i}b`],
      })),
    };
    const config = loadFleetConfig(layer);
    const violations = await evaluate(
      await recorded("us", layer, "us:extended"),
      driverConfig(config),
    );
    expect(summary(violations)).to.deep.equal([]);
  });

  it("every stack of one fleet carries the same fingerprint", () => {
    const fingerprint = (stack: string) => loadFleetConfig(pinnedStack(stack)).fingerprint;
    for (const stack of STACKS) expect(fingerprint(stack), stack).to.equal(reference.fingerprint);
    for (const stack of STAGING_STACKS)
      expect(fingerprint(stack), stack).to.equal(stagingReference.fingerprint);
    for (const stack of LOCAL_STACKS.filter((s) => s !== "local-staging"))
      expect(fingerprint(stack), stack).to.equal(fingerprint("local-us"));
  });

  describe("a release in flight on the local target", () => {
    // 2.0.0 -> 2.1.0: nyc-lab1 has flipped to green and keeps blue warm; iad-lab1 has its
    // candidate deployed, warm, and no traffic on it yet.
    const layer = pinnedStack("local-us", "2.1.0", {
      "nyc-lab1": { greenVersion: "2.1.0", activeColor: "green", idleWarm: true },
      "iad-lab1": { greenVersion: "2.1.0", idleWarm: true },
    });
    const config = loadFleetConfig(layer);
    const resources = () =>
      recordLocalStack("local-us", layer).then((r) => packResources(r, "local-us"));
    const expectation = { version: "2.1.0", fingerprint: config.fingerprint };

    it("passes with the previous version the driver passes during a release", async () => {
      const file = policyConfigFor(config, {
        ...expectation,
        previousVersion: "2.0.0",
      }) as PackConfig;
      expect(summary(await evaluate(await resources(), file))).to.deep.equal([]);
    });

    it("without it, fails only the Outpost whose active color still runs the old version", async () => {
      const file = policyConfigFor(config, expectation) as PackConfig;
      expect(summary(await evaluate(await resources(), file))).to.deep.equal([
        "release-version-consistency @ iad-lab1-blue-processes: Outpost iad-lab1 blue (active) runs 2.0.0, but it is on the active path; expected 2.1.0.",
      ]);
    });
  });

  describe("broken configs produce exactly the expected violations", () => {
    it("one Outpost on another version", async () => {
      const layer = pinnedStack("us", "2.0.0", {
        "iad-dc2": { blueVersion: "1.9.0", greenVersion: "1.9.0" },
      });
      const violations = await evaluate(
        await recorded("us", layer, "us:iad-dc2@1.9.0"),
        driverConfig(reference),
      );
      expect(summary(violations)).to.deep.equal(
        [
          "release-version-consistency @ iad-dc2-blue-lt: Outpost iad-dc2 blue (active) runs 1.9.0, but it is on the active path; expected 2.0.0.",
        ].sort(),
      );
    });

    it("a missing tag", async () => {
      const resources = change(await recorded("us"), "dfw-dc1-alb", (props) => {
        delete (props.tags as Record<string, string>).DeploymentId;
      });
      const violations = await evaluate(resources, driverConfig(reference));
      expect(summary(violations)).to.deep.equal(
        [
          "required-tags @ dfw-dc1-alb: is missing tag DeploymentId (required here: Environment, Region, DeploymentId, Outpost).",
        ].sort(),
      );
    });

    it("an instance type the Outpost doesn't have", async () => {
      // As if the program took ord-dc1's instance type from the wrong place.
      let resources = await recorded("us");
      for (const name of ["ord-dc1-blue-lt", "ord-dc1-green-lt", "ord-dc1-nodes-lt"]) {
        resources = change(resources, name, (props) => {
          props.instanceType = "m5.2xlarge";
        });
      }
      const violations = await evaluate(resources, driverConfig(reference));
      const message =
        "instanceType is m5.2xlarge, which Outpost ord-dc1 does not have; it has m5.large, m5.xlarge, c5.xlarge, r5.large.";
      expect(summary(violations)).to.deep.equal(
        [
          `outpost-capacity @ ord-dc1-blue-lt: ${message}`,
          `outpost-capacity @ ord-dc1-green-lt: ${message}`,
          `outpost-capacity @ ord-dc1-nodes-lt: ${message}`,
        ].sort(),
      );
    });

    it("an Outpost whose budget has no room for its ALBs", async () => {
      // The program's own resources, checked against a budget that counts no ALB (19 = 2 x 6 +
      // 4 + 3): the pack counts the EC2 ALB and the Ingress ALB of nyc-dc1 on top.
      const file = driverConfig(reference);
      const budget = file["outpost-instance-budget"] as { outposts: Record<string, unknown>[] };
      budget.outposts = budget.outposts.map((o) =>
        o.name === "nyc-dc1"
          ? { ...o, capacity: { min: 2, desired: 3, max: 6, maxInstances: 19 } }
          : o,
      );
      const violations = await evaluate(await recorded("us"), file);
      expect(summary(violations)).to.deep.equal([
        "outpost-instance-budget @ (stack): Outpost nyc-dc1 may run 23 instances at once (nyc-dc1-blue-asg 6 + nyc-dc1-green-asg 6 + nyc-dc1-nodes-asg 4 + 3 control-plane instances + 2 ALBs x 2 instances); its capacity.maxInstances is 19.",
      ]);
    });

    it("an asymmetric color", async () => {
      const resources = change(await recorded("us"), "nyc-dc1-green-tg", (props) => {
        (props.healthCheck as Record<string, unknown>).path = "/";
      });
      const violations = await evaluate(resources, driverConfig(reference));
      expect(summary(violations)).to.deep.equal(
        [
          'blue-green-symmetry @ nyc-dc1-green-tg: Outpost nyc-dc1: aws:lb/targetGroup:TargetGroup nyc-dc1-green-tg differs from nyc-dc1-blue-tg beyond version and size: healthCheck.path (blue "/health", green "/").',
        ].sort(),
      );
    });

    it("a fingerprint that doesn't match (a region's config drifted)", async () => {
      const layer = {
        ...pinnedStack("eu"),
        overrides: { loadBalancer: { deregistrationDelaySeconds: 30 } },
      };
      const drifted = loadFleetConfig(layer);
      const resources = await recorded("eu", layer, "eu:drifted");
      const violations = await evaluate(resources, driverConfig(drifted));
      const why = `but this release expects ${reference.fingerprint} on every stack: this stack's release or fleet-wide config differs from the others'.`;
      expect(summary(violations)).to.deep.equal(
        [
          `consistency-fingerprint @ eu-config-fingerprint: SSM parameter /outpost-fleet/production/eu/fingerprint is ${drifted.fingerprint}, ${why}`,
          `consistency-fingerprint @ outpost-fleet-eu: output fingerprint is ${drifted.fingerprint}, ${why}`,
        ].sort(),
      );
    });
  });
});
