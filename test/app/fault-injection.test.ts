import { expect } from "chai";
import { decideFault } from "../../app/fault-injection";

describe("app fault injection", () => {
  const faulty = {
    faultErrorRate: 0.25,
    faultLatencyMs: 40,
    faultPaths: undefined,
    faultBrokenPaths: undefined,
  };

  it("fails a request when the draw is under the error rate", () => {
    expect(decideFault(faulty, "/version", 0.2)).to.deep.equal({
      delayMs: 40,
      fail: true,
      broken: false,
    });
    expect(decideFault(faulty, "/version", 0.25)).to.include({ delayMs: 40, fail: false });
  });

  it("never fails, slows or breaks the probes, so a buggy release still looks alive", () => {
    const everything = { ...faulty, faultBrokenPaths: ["/health", "/ready"] };
    for (const probe of ["/health", "/ready"]) {
      expect(decideFault(everything, probe, 0)).to.deep.equal({
        delayMs: 0,
        fail: false,
        broken: false,
      });
    }
  });

  it("with paths, fails and slows only those paths: a release broken on one route", () => {
    const scoped = { ...faulty, faultPaths: ["/"] };
    expect(decideFault(scoped, "/", 0.2)).to.include({ delayMs: 40, fail: true });
    expect(decideFault(scoped, "/version", 0.2)).to.include({ delayMs: 0, fail: false });
    expect(decideFault(scoped, "/health", 0)).to.include({ delayMs: 0, fail: false });
  });

  it("with broken paths, marks only those paths broken, whatever the other faults' scope", () => {
    const broken = { ...faulty, faultPaths: ["/"], faultBrokenPaths: ["/api/products"] };
    expect(decideFault(broken, "/api/products", 0.9)).to.deep.equal({
      delayMs: 0,
      fail: false,
      broken: true,
    });
    expect(decideFault(broken, "/api/products/tent-2p", 0.9).broken).to.equal(false);
  });

  it("does nothing without faults configured", () => {
    expect(decideFault({ ...faulty, faultErrorRate: 0, faultLatencyMs: 0 }, "/", 0)).to.deep.equal({
      delayMs: 0,
      fail: false,
      broken: false,
    });
  });
});
