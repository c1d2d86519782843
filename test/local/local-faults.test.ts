import { expect } from "chai";
import {
  ConfigValidationError,
  loadFleetConfig,
  readStackFile,
  StackLayer,
} from "../../infra/config";
import { faultsFor } from "../../infra/local/local-faults";

/** The problems loadFleetConfig reports for a layer, one line each; [] when it loads. */
function problems(layer: StackLayer): string[] {
  try {
    loadFleetConfig(layer);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return error.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^\s+- /, ""));
  }
}

describe("local fault injection (stack config localFaults)", () => {
  const local = readStackFile("local-us");

  it("maps versions to faults, filling defaults, and leaves other versions healthy", () => {
    const config = loadFleetConfig({
      ...local,
      localFaults: { "2.1.0": { errorRate: 0.5, latencyMs: 200 }, "2.2.0": { latencyMs: 50 } },
    });
    expect(faultsFor(config.localFaults, "2.1.0")).to.deep.equal({
      errorRate: 0.5,
      latencyMs: 200,
    });
    expect(faultsFor(config.localFaults, "2.2.0")).to.deep.equal({ errorRate: 0, latencyMs: 50 });
    expect(faultsFor(config.localFaults, "2.0.0")).to.deep.equal({ errorRate: 0, latencyMs: 0 });
    expect(loadFleetConfig(local).localFaults).to.deep.equal({});
  });

  it("scopes a fault to the paths it names, and keeps other pools' inputs unchanged", () => {
    const config = loadFleetConfig({
      ...local,
      localFaults: { "2.1.0": { errorRate: 0.3, paths: ["/"] }, "2.2.0": { errorRate: 0.1 } },
    });
    expect(faultsFor(config.localFaults, "2.1.0")).to.deep.equal({
      errorRate: 0.3,
      latencyMs: 0,
      paths: ["/"],
    });
    expect(faultsFor(config.localFaults, "2.2.0")).to.not.have.property("paths");
    expect(
      problems({ ...local, localFaults: { "2.1.0": { paths: [] }, "2.2.0": { paths: ["cart"] } } }),
    ).to.deep.equal([
      "outpost-fleet:localFaults.2.1.0.paths = []: must name at least one path; leave the key out for every path",
      'outpost-fleet:localFaults.2.2.0.paths[0] = "cart": must be a request path starting with /, no spaces',
    ]);
  });

  it("passes broken paths through, only when set, and refuses what is not a path", () => {
    const config = loadFleetConfig({
      ...local,
      localFaults: { "2.1.0": { brokenPaths: ["/api/products"] }, "2.2.0": { errorRate: 0.1 } },
    });
    expect(faultsFor(config.localFaults, "2.1.0")).to.deep.equal({
      errorRate: 0,
      latencyMs: 0,
      brokenPaths: ["/api/products"],
    });
    expect(faultsFor(config.localFaults, "2.2.0")).to.not.have.property("brokenPaths");
    expect(
      problems({
        ...local,
        localFaults: { "2.1.0": { brokenPaths: [] }, "2.2.0": { brokenPaths: ["api"] } },
      }),
    ).to.deep.equal([
      "outpost-fleet:localFaults.2.1.0.brokenPaths = []: must name at least one path; leave the key out for none",
      'outpost-fleet:localFaults.2.2.0.brokenPaths[0] = "api": must be a request path starting with /, no spaces',
    ]);
  });

  it("refuses bad values, naming the key, the value and what is allowed", () => {
    expect(
      problems({
        ...local,
        localFaults: {
          "2.1.0": { errorRate: 5, latencyMs: 1.5 },
          "2.2.0": { errorRate: "0.3" },
          "2.3.0": { errorRat: 0.3 },
          latest: { errorRate: 0.1 },
        },
      }),
    ).to.deep.equal([
      "outpost-fleet:localFaults.2.1.0.errorRate = 5: must be from 0 to 1",
      "outpost-fleet:localFaults.2.1.0.latencyMs = 1.5: must be a whole number of ms",
      'outpost-fleet:localFaults.2.2.0.errorRate = "0.3": must be number, not string',
      "outpost-fleet:localFaults.2.3.0.errorRat = 0.3: is not a known key; check the spelling against docs/configuration.md",
      'outpost-fleet:localFaults.latest = {"errorRate":0.1}: must be a semantic version, for example 2.1.0',
    ]);
    expect(problems({ ...local, localFaults: [0.3] })).to.deep.equal([
      "outpost-fleet:localFaults = [0.3]: must be object, not array",
    ]);
  });

  it("is refused on an aws stack: only the local target injects faults", () => {
    const aws = readStackFile("us");
    expect(problems({ ...aws, localFaults: { "2.1.0": { errorRate: 0.3 } } })).to.deep.equal([
      'outpost-fleet:localFaults = {"2.1.0":{"errorRate":0.3,"latencyMs":0}}: is only for the local target (target: local); this stack\'s target is aws, remove the key',
    ]);
    expect(problems({ ...aws, localFaults: {} })).to.deep.equal([]);
  });
});
