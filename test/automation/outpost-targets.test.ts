import { expect } from "chai";
import { outpostTargets, type StateResource } from "../../automation/engine/outpost-targets";
import { SITE_COMPONENT_TYPES } from "../../infra/contract";

const STACK = "urn:pulumi:us::outpost-fleet::pulumi:pulumi:Stack::outpost-fleet-us";
const SITE = SITE_COMPONENT_TYPES.aws;

/** The resources of one Outpost's site as an exported state lists them (real URN shapes). */
function site(outpost: string): StateResource[] {
  const siteUrn = `urn:pulumi:us::outpost-fleet::${SITE}::${outpost}`;
  const fleetType = `${SITE}$outpost-fleet:ec2:BlueGreenFleet`;
  const fleetUrn = `urn:pulumi:us::outpost-fleet::${fleetType}::${outpost}-fleet`;
  return [
    { urn: siteUrn, type: SITE, parent: STACK },
    { urn: fleetUrn, type: "outpost-fleet:ec2:BlueGreenFleet", parent: siteUrn },
    {
      urn: `urn:pulumi:us::outpost-fleet::${fleetType}$aws:autoscaling/group:Group::${outpost}-green-asg`,
      type: "aws:autoscaling/group:Group",
      parent: fleetUrn,
    },
  ];
}

/** An exported state of a stack with Outposts `nyc` and `nyc-dc1`, plus stack-wide resources. */
const state: StateResource[] = [
  { urn: STACK, type: "pulumi:pulumi:Stack" },
  ...site("nyc"),
  ...site("nyc-dc1"),
  {
    urn: "urn:pulumi:us::outpost-fleet::outpost-fleet:config:ConfigStore::us-config",
    type: "outpost-fleet:config:ConfigStore",
    parent: STACK,
  },
  // A stack-wide resource whose name happens to start with an Outpost's name.
  {
    urn: "urn:pulumi:us::outpost-fleet::aws:ssm/parameter:Parameter::nyc-release-version",
    type: "aws:ssm/parameter:Parameter",
    parent: STACK,
  },
];

describe("engine: targeting an Outpost by its site's identity", () => {
  it("selects the site component, all its descendants and the root stack, nothing else", () => {
    const targets = outpostTargets(state, ["nyc"]);
    expect(targets).to.deep.equal([STACK, ...site("nyc").map((r) => r.urn)]);
  });

  it("updates `nyc` and `nyc-dc1` independently: no name prefix match", () => {
    const nyc = outpostTargets(state, ["nyc"]) ?? [];
    const dc1 = outpostTargets(state, ["nyc-dc1"]) ?? [];
    expect(nyc.filter((urn) => urn.includes("nyc-dc1"))).to.deep.equal([]);
    expect(dc1).to.deep.equal([STACK, ...site("nyc-dc1").map((r) => r.urn)]);
    expect(outpostTargets(state, ["nyc", "nyc-dc1"])).to.have.length(7);
  });

  it("never selects stack-wide resources, whatever their names", () => {
    const targets = outpostTargets(state, ["nyc", "nyc-dc1"]) ?? [];
    expect(
      targets.some((urn) => urn.includes("ConfigStore") || urn.includes("Parameter")),
    ).to.equal(false);
  });

  it("selects the local target's sites by their own type token", () => {
    const local = state.map((r) =>
      r.type === SITE
        ? {
            ...r,
            type: SITE_COMPONENT_TYPES.local,
            urn: r.urn.replace(SITE, SITE_COMPONENT_TYPES.local),
          }
        : r,
    );
    expect(outpostTargets(local, ["nyc"])).to.include(
      `urn:pulumi:us::outpost-fleet::${SITE_COMPONENT_TYPES.local}::nyc`,
    );
  });

  it("asks for a whole update when an Outpost has no site in the state yet", () => {
    expect(outpostTargets(state, ["nyc", "bos-dc1"])).to.equal(undefined);
    expect(outpostTargets([], ["nyc"])).to.equal(undefined);
  });
});
