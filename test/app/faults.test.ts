import { expect } from "chai";
import { decideFault } from "../../app/faults";

describe("app fault injection", () => {
  const faulty = { faultErrorRate: 0.25, faultLatencyMs: 40, faultPaths: undefined };

  it("fails a request when the draw is under the error rate", () => {
    expect(decideFault(faulty, "/version", 0.2)).to.deep.equal({ delayMs: 40, fail: true });
    expect(decideFault(faulty, "/version", 0.25)).to.deep.equal({ delayMs: 40, fail: false });
  });

  it("never fails or slows the probes, so a buggy release still looks alive", () => {
    expect(decideFault(faulty, "/health", 0)).to.deep.equal({ delayMs: 0, fail: false });
    expect(decideFault(faulty, "/ready", 0)).to.deep.equal({ delayMs: 0, fail: false });
  });

  it("with paths, fails and slows only those paths: a release broken on one route", () => {
    const scoped = { ...faulty, faultPaths: ["/"] };
    expect(decideFault(scoped, "/", 0.2)).to.deep.equal({ delayMs: 40, fail: true });
    expect(decideFault(scoped, "/version", 0.2)).to.deep.equal({ delayMs: 0, fail: false });
    expect(decideFault(scoped, "/health", 0)).to.deep.equal({ delayMs: 0, fail: false });
  });

  it("does nothing without faults configured", () => {
    expect(decideFault({ ...faulty, faultErrorRate: 0, faultLatencyMs: 0 }, "/", 0)).to.deep.equal({
      delayMs: 0,
      fail: false,
    });
  });
});
