import { expect } from "chai";
import { OutpostDeploymentState } from "../../infra/contract";
import { poolSize, serverWeights } from "../../infra/local/sizing";

const capacity = { min: 1, desired: 2, max: 3, maxInstances: 6 };
const settled: OutpostDeploymentState = {
  blueVersion: "2.0.0",
  greenVersion: "2.0.0",
  activeColor: "blue",
  candidateWeight: 0,
  idleWarm: false,
  rolloutVersion: "2.0.0",
};

describe("local sizing: pool sizes", () => {
  it("runs the active color at desired size and scales a cold idle color to zero", () => {
    expect(poolSize(settled, "blue", capacity)).to.equal(2);
    expect(poolSize(settled, "green", capacity)).to.equal(0);
  });

  it("keeps the idle color up while it is warm or takes traffic", () => {
    expect(poolSize({ ...settled, idleWarm: true }, "green", capacity)).to.equal(2);
    expect(poolSize({ ...settled, candidateWeight: 10 }, "green", capacity)).to.equal(2);
  });
});

describe("local sizing: HAProxy server weights", () => {
  it("keeps percentages as they are when both pools are the same size", () => {
    expect(serverWeights({ blue: 90, green: 10 }, { blue: 2, green: 2 })).to.deep.equal({
      blue: 90,
      green: 10,
    });
  });

  it("divides a color's share among its servers when pool sizes differ", () => {
    const weights = serverWeights({ blue: 50, green: 50 }, { blue: 2, green: 1 });
    expect(weights.blue * 2).to.equal(weights.green * 1);
  });

  it("scales into HAProxy's 0-256 range and keeps a 1% canary above zero", () => {
    const weights = serverWeights({ blue: 99, green: 1 }, { blue: 1, green: 6 });
    expect(weights.blue).to.be.at.most(256);
    expect(weights.green).to.equal(1);
    const share = weights.blue / (weights.blue + 6 * weights.green);
    expect(share).to.be.closeTo(0.99, 0.03);
  });

  it("gives 0 to a color with no share or no servers", () => {
    expect(serverWeights({ blue: 100, green: 0 }, { blue: 2, green: 2 })).to.deep.equal({
      blue: 100,
      green: 0,
    });
    expect(serverWeights({ blue: 90, green: 10 }, { blue: 2, green: 0 }).green).to.equal(0);
  });
});
