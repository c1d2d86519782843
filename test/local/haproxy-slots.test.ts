import { expect } from "chai";
import { desiredSlots, slotNames, slotProblem } from "../../infra/local/haproxy/slots";

describe("local HAProxy server slots", () => {
  it("fills each color's slots with its pool's ports in order and disables the rest", () => {
    const slots = desiredSlots({
      slotsPerColor: 3,
      ports: { blue: [4001, 4002], green: [] },
      weights: { blue: 100, green: 0 },
    });
    expect(slots.map((s) => [s.name, s.port, s.weight, s.enabled])).to.deep.equal([
      ["blue-1", 4001, 100, true],
      ["blue-2", 4002, 100, true],
      ["blue-3", null, 0, false],
      ["green-1", null, 0, false],
      ["green-2", null, 0, false],
      ["green-3", null, 0, false],
    ]);
  });

  it("keeps an idle warm pool enabled at weight 0, so a flip is only weights", () => {
    const slots = desiredSlots({
      slotsPerColor: 1,
      ports: { blue: [4001], green: [5001] },
      weights: { blue: 100, green: 0 },
    });
    expect(slots.find((s) => s.name === "green-1")).to.include({
      enabled: true,
      weight: 0,
      port: 5001,
    });
  });

  it("refuses more processes than slots, naming the config key to raise", () => {
    const inputs = {
      slotsPerColor: 1,
      ports: { blue: [1, 2], green: [] },
      weights: { blue: 100, green: 0 },
    };
    expect(slotProblem(inputs)).to.match(
      /blue pool runs 2 processes .* 1 server slots .* capacity\.max to at least 2/,
    );
    expect(() => desiredSlots(inputs)).to.throw(/capacity\.max/);
  });

  it("names every slot by color", () => {
    expect(slotNames(2)).to.deep.equal({
      blue: ["blue-1", "blue-2"],
      green: ["green-1", "green-2"],
    });
  });
});
