import { expect } from "chai";
import {
  desiredSlots,
  previewSlots,
  slotNames,
  slotProblem,
} from "../../infra/local/haproxy/slots";

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

  describe("the preview backend", () => {
    const slots = (weights: { blue: number; green: number }, green: number[] = [5001, 5002]) =>
      desiredSlots({ slotsPerColor: 2, ports: { blue: [4001, 4002], green }, weights });
    const weighted = (list: ReturnType<typeof previewSlots>) =>
      list.filter((s) => s.weight > 0).map((s) => s.name);

    it("reaches only the candidate, whatever the production weights", () => {
      for (const weights of [
        { blue: 100, green: 0 },
        { blue: 90, green: 10 },
        { blue: 50, green: 50 },
      ]) {
        expect(
          weighted(previewSlots(slots(weights), "blue")),
          JSON.stringify(weights),
        ).to.deep.equal(["green-1", "green-2"]);
      }
    });

    it("follows the active color: after a flip it reaches the other color", () => {
      expect(weighted(previewSlots(slots({ blue: 0, green: 100 }), "green"))).to.deep.equal([
        "blue-1",
        "blue-2",
      ]);
    });

    it("keeps the production ports, and has no server to send to when the candidate runs nothing", () => {
      const cold = previewSlots(slots({ blue: 100, green: 0 }, []), "blue");
      expect(weighted(cold)).to.deep.equal([]);
      expect(cold.map((s) => [s.name, s.port, s.enabled])).to.deep.equal([
        ["blue-1", 4001, true],
        ["blue-2", 4002, true],
        ["green-1", null, false],
        ["green-2", null, false],
      ]);
    });
  });
});
