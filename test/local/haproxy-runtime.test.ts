import { expect } from "chai";
import {
  planPreviewChanges,
  planRuntimeChanges,
  slotDrift,
} from "../../infra/local/haproxy/runtime-plan";
import {
  isServing,
  ObservedServer,
  parseServersState,
} from "../../infra/local/haproxy/server-state";
import { desiredSlots, previewSlots } from "../../infra/local/haproxy/slots";

/** Captured from HAProxy 2.6 (`show servers state storefront`): blue-1 up, green-1 in maintenance. */
const SHOW_SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 storefront 1 blue-1 127.0.0.1 2 0 100 100 5 15 3 3 6 0 0 0 - 4001 - 0 0 - - 0
3 storefront 2 green-1 127.0.0.1 0 5 0 0 5 1 0 0 14 0 0 0 - 1 - 0 0 - - 0

`;

function server(name: string, port: number, weight: number, maint = false): ObservedServer {
  return {
    name,
    address: "127.0.0.1",
    port,
    operationalState: maint ? 0 : 2,
    adminState: maint ? 5 : 0,
    weight,
  };
}

describe("local HAProxy runtime: show servers state", () => {
  it("parses servers by column name", () => {
    const [blue, green] = parseServersState(SHOW_SERVERS_STATE);
    expect(blue).to.deep.equal({
      name: "blue-1",
      address: "127.0.0.1",
      port: 4001,
      operationalState: 2,
      adminState: 0,
      weight: 100,
    });
    expect(isServing(blue)).to.equal(true);
    expect(isServing(green)).to.equal(false);
  });

  it("fails clearly on an answer that is not a server list", () => {
    expect(() => parseServersState("Can't find backend.\n")).to.throw(/unexpected answer/);
  });
});

describe("local HAProxy runtime: change plans", () => {
  const flipped = desiredSlots({
    slotsPerColor: 1,
    ports: { blue: [4001], green: [5001] },
    weights: { blue: 0, green: 100 },
  });

  it("flips by raising the new color before lowering the old one", () => {
    const plan = planRuntimeChanges(
      "storefront",
      [server("blue-1", 4001, 100), server("green-1", 5001, 0)],
      flipped,
    );
    expect(plan.prepare).to.deep.equal([]);
    expect(plan.mustServe).to.deep.equal(["green-1"]);
    expect(plan.raise).to.deep.equal(["set weight storefront/green-1 100"]);
    expect(plan.lower).to.deep.equal(["set weight storefront/blue-1 0"]);
    expect(plan.retire).to.deep.equal([]);
  });

  it("brings a new server out of maintenance at weight 0 before giving it traffic", () => {
    const plan = planRuntimeChanges("storefront", parseServersState(SHOW_SERVERS_STATE), flipped);
    expect(plan.prepare).to.deep.equal([
      "set server storefront/green-1 addr 127.0.0.1 port 5001",
      "set weight storefront/green-1 0",
      "set server storefront/green-1 state ready",
    ]);
    expect(plan.raise).to.deep.equal(["set weight storefront/green-1 100"]);
  });

  it("repoints a slot whose pool was replaced, and retires slots whose process went away", () => {
    const desired = desiredSlots({
      slotsPerColor: 2,
      ports: { blue: [4101], green: [] },
      weights: { blue: 100, green: 0 },
    });
    const observed = [
      server("blue-1", 4001, 100),
      server("blue-2", 4002, 100),
      server("green-1", 1, 0, true),
      server("green-2", 1, 0, true),
    ];
    const plan = planRuntimeChanges("storefront", observed, desired);
    expect(plan.prepare).to.deep.equal(["set server storefront/blue-1 addr 127.0.0.1 port 4101"]);
    expect(plan.retire).to.deep.equal([
      "set weight storefront/blue-2 0",
      "set server storefront/blue-2 state maint",
    ]);
  });

  it("plans nothing when HAProxy already matches, so running it again is harmless", () => {
    const plan = planRuntimeChanges(
      "storefront",
      [server("blue-1", 4001, 0), server("green-1", 5001, 100)],
      flipped,
    );
    expect([...plan.prepare, ...plan.raise, ...plan.lower, ...plan.retire]).to.deep.equal([]);
    expect(
      slotDrift([server("blue-1", 4001, 0), server("green-1", 5001, 100)], flipped),
    ).to.deep.equal([]);
  });

  it("reports drift slot by slot and refuses a config without the slot", () => {
    expect(
      slotDrift([server("blue-1", 4001, 100), server("green-1", 5001, 0)], flipped),
    ).to.deep.equal(["blue-1: weight 100, expected 0", "green-1: weight 0, expected 100"]);
    expect(() => planRuntimeChanges("storefront", [server("blue-1", 4001, 0)], flipped)).to.throw(
      /no server green-1/,
    );
  });
});

describe("local HAProxy runtime: preview plans", () => {
  const ports = { blue: [4001], green: [5001] };
  const before = previewSlots(
    desiredSlots({ slotsPerColor: 1, ports, weights: { blue: 100, green: 0 } }),
    "blue",
  );
  const after = previewSlots(
    desiredSlots({ slotsPerColor: 1, ports, weights: { blue: 0, green: 100 } }),
    "green",
  );
  // Preview servers track their production twins: their admin state is inherited (IMAINT).
  const live = (slots: typeof before) =>
    slots.map((s) => server(s.name, s.port ?? 1, s.weight, !s.enabled));

  it("follows a flip with weights only: the old candidate lets go before the new one takes over", () => {
    const plan = planPreviewChanges("storefront-preview", live(before), after);
    expect(plan).to.deep.equal({
      addresses: [],
      weights: [
        "set weight storefront-preview/green-1 0",
        "set weight storefront-preview/blue-1 1",
      ],
    });
    expect(slotDrift(live(after), after)).to.deep.equal([]);
  });

  it("repoints a replaced pool's slots and never touches a tracking server's state", () => {
    const replaced = previewSlots(
      desiredSlots({
        slotsPerColor: 1,
        ports: { blue: [4001], green: [5101] },
        weights: { blue: 100, green: 0 },
      }),
      "blue",
    );
    const plan = planPreviewChanges("storefront-preview", live(before), replaced);
    expect(plan).to.deep.equal({
      addresses: ["set server storefront-preview/green-1 addr 127.0.0.1 port 5101"],
      weights: [],
    });
    expect(planPreviewChanges("storefront-preview", live(before), before)).to.deep.equal({
      addresses: [],
      weights: [],
    });
    expect(() => planPreviewChanges("storefront-preview", [], before)).to.throw(/no server blue-1/);
  });
});
