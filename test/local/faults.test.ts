import { expect } from "chai";
import { faultsFor, parseFaults } from "../../infra/local/faults";

describe("local fault injection (OUTPOST_FLEET_LOCAL_FAULTS)", () => {
  it("maps versions to faults and leaves other versions healthy", () => {
    const faults = parseFaults(
      `{"2.1.0": {"errorRate": 0.5, "latencyMs": 200}, "2.2.0": {"latencyMs": 50}}`,
    );
    expect(faultsFor(faults, "2.1.0")).to.deep.equal({ errorRate: 0.5, latencyMs: 200 });
    expect(faultsFor(faults, "2.2.0")).to.deep.equal({ errorRate: 0, latencyMs: 50 });
    expect(faultsFor(faults, "2.0.0")).to.deep.equal({ errorRate: 0, latencyMs: 0 });
    expect(parseFaults(undefined)).to.deep.equal({});
  });

  it("refuses malformed values, naming the variable, the value and the expected shape", () => {
    expect(() => parseFaults("{2.1.0: 1}")).to.throw(
      /OUTPOST_FLEET_LOCAL_FAULTS is not JSON.*expected JSON like/,
    );
    expect(() => parseFaults(`{"2.1.0": {"errorRate": 5}}`)).to.throw(
      /errorRate 5 for 2\.1\.0, which must be a number from 0 to 1/,
    );
    expect(() => parseFaults(`[1]`)).to.throw(/must be an object keyed by app version/);
  });
});
