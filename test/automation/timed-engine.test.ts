import { expect } from "chai";
import { EngineTimer, timedEngine } from "../../automation/engine/timed-engine";
import type { EnginePort } from "../../automation/engine/engine-port";
import { VirtualClock } from "../../automation/support/clock";

/** An engine whose `up` and `preview` take the given virtual time, and whose other calls are instant. */
function slowEngine(clock: VirtualClock, upMs: number, previewMs: number): EnginePort {
  const instant = () => Promise.resolve(undefined as never);
  return {
    prepareStack: instant,
    readDriverConfig: instant,
    writeDriverConfig: instant,
    preview: () => clock.sleep(previewMs).then(() => ({ changes: {}, violations: [] })),
    up: () => clock.sleep(upMs),
    outputs: instant,
    refresh: instant,
    pendingOperations: () => Promise.resolve([]),
    cancel: instant,
    readConfig: () => Promise.resolve({}),
    kubeconfig: () => Promise.resolve(undefined),
  };
}

describe("engine timings (where a driver's time went)", () => {
  it("counts the time engine calls are in flight, and the rest as the driver's", async () => {
    const clock = new VirtualClock(0);
    const timer = new EngineTimer(clock);
    const engine = timedEngine(slowEngine(clock, 5_000, 0), timer);
    await engine.up("us", { outposts: ["nyc-dc1"] });
    await clock.sleep(300_000); // a bake
    await engine.up("us");
    await engine.outputs("us");
    expect(timer.report()).to.deep.equal({
      wallMs: 310_000,
      engineMs: 10_000,
      driverMs: 300_000,
      calls: { up: 2, outputs: 1 },
    });
  });

  it("counts overlapping calls once: engine and driver time add up to the wall time", async () => {
    const clock = new VirtualClock(0);
    const timer = new EngineTimer(clock);
    const engine = timedEngine(slowEngine(clock, 4_000, 4_000), timer);
    const options = { policyPacks: [], policyPackConfigs: [] };
    await Promise.all([engine.preview("us", options), engine.preview("eu", options)]);
    await Promise.all([engine.up("us"), clock.sleep(1_000)]);
    const timings = timer.report();
    expect(timings.engineMs).to.equal(8_000);
    expect(timings.engineMs + timings.driverMs).to.equal(timings.wallMs);
    expect(timings.calls).to.deep.equal({ preview: 2, up: 1 });
  });

  it("still counts a call that failed, and passes its error on", async () => {
    const clock = new VirtualClock(0);
    const timer = new EngineTimer(clock);
    const failing: EnginePort = {
      ...slowEngine(clock, 0, 0),
      up: () => clock.sleep(2_000).then(() => Promise.reject(new Error("update failed"))),
    };
    const engine = timedEngine(failing, timer);
    let error: unknown;
    await engine.up("us").catch((err: unknown) => (error = err));
    expect((error as Error).message).to.equal("update failed");
    expect(timer.report()).to.include({ engineMs: 2_000, driverMs: 0 });
  });
});
