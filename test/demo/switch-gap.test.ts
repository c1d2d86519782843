import { expect } from "chai";
import { longestGap, percentile, spreadOf } from "../../bench/lib/switch-gap";

describe("the switchover gap as the load sees it", () => {
  const window = { from: 1_000, to: 2_000 };
  const every = (from: number, to: number, step: number, ok = true) =>
    Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => ({
      at: from + i * step,
      ok,
    }));

  it("is the load's own spacing when every request succeeds through the flip", () => {
    expect(longestGap(every(900, 2_100, 10), window)).to.equal(10);
  });

  it("counts errors and timeouts as no answer: they lengthen the gap", () => {
    const answers = [
      ...every(900, 1_400, 10),
      ...every(1_410, 1_700, 10, false),
      ...every(1_710, 2_100, 10),
    ];
    expect(longestGap(answers, window)).to.equal(1_710 - 1_400);
  });

  it("runs from the window's edges, and is the whole window when nothing succeeded", () => {
    expect(longestGap([{ at: 1_600, ok: true }], window)).to.equal(600);
    expect(longestGap(every(0, 3_000, 10, false), window)).to.equal(1_000);
    expect(longestGap([], window)).to.equal(1_000);
  });

  it("ignores answers outside the window, whatever their order", () => {
    const answers = [
      { at: 1_900, ok: true },
      { at: 500, ok: true },
      { at: 1_100, ok: true },
      { at: 2_500, ok: true },
    ];
    expect(longestGap(answers, window)).to.equal(800);
  });

  it("spreads gaps as p50, p99 and max (nearest rank)", () => {
    const gaps = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(spreadOf(gaps)).to.deep.equal({ p50: 50, p99: 99, max: 100 });
    expect(spreadOf([])).to.deep.equal({ p50: 0, p99: 0, max: 0 });
    expect(percentile([30, 10, 20], 50)).to.equal(20);
  });
});
