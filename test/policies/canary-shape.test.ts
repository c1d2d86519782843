import { expect } from "chai";
import { canaryShape } from "../../policies/canary-shape";
import { failures } from "./support/check";
import { CANARY_STEPS, rollout, withProp } from "./support/policy-fixtures";

describe("policies: canary-shape", () => {
  const config = { "canary-shape": { weights: [10, 50, 100] } };
  const analysis = { analysis: { templates: [{ templateName: "t" }] } };

  it("passes 10 -> 50 -> 100 with pauses and analysis", async () => {
    expect(await failures([canaryShape], [rollout()], config)).to.deep.equal([]);
  });

  it("fails steps that skip a configured weight", async () => {
    const r = rollout("2.0.0", [{ setWeight: 10 }, { pause: {} }, analysis, { setWeight: 100 }]);
    const [v, ...rest] = await failures([canaryShape], [r], config);
    expect(rest).to.deep.equal([]);
    expect(v.message).to.equal(
      "canary steps set weights [10,100]; they must step through [10,50,100] in that order.",
    );
    expect(v.urn).to.equal(r.urn);
  });

  it("fails a jump straight to 100%", async () => {
    const [v] = await failures(
      [canaryShape],
      [rollout("2.0.0", [{ setWeight: 100 }, { pause: {} }])],
    );
    expect(v.message).to.equal("goes straight to 100%: no setWeight step below 100 comes first.");
  });

  it("fails 50% -> 100% with no pause or analysis in between", async () => {
    const steps = [...CANARY_STEPS.slice(0, 4), CANARY_STEPS[6]];
    const [v] = await failures([canaryShape], [rollout("2.0.0", steps)], config);
    expect(v.message).to.equal(
      "jumps from 50% to 100% without a pause or analysis step in between (after step 3).",
    );
  });

  it("fails a canary without any analysis, unless analysis is not required", async () => {
    const steps = [
      { setWeight: 10 },
      { pause: { duration: "1m" } },
      { setWeight: 50 },
      { pause: {} },
    ];
    const [v] = await failures([canaryShape], [rollout("2.0.0", steps)]);
    expect(v.message).to.equal(
      "reaches 100% without any analysis: add an analysis step before it, or a background analysis.",
    );
    expect(
      await failures([canaryShape], [rollout("2.0.0", steps)], {
        "canary-shape": { requireAnalysis: false },
      }),
    ).to.deep.equal([]);
  });

  it("accepts a background analysis instead of an inline one", async () => {
    const r = withProp(
      rollout("2.0.0", [{ setWeight: 10 }, { pause: {} }]),
      "spec.strategy.canary.analysis",
      { templates: [{ templateName: "t" }] },
    );
    expect(await failures([canaryShape], [r])).to.deep.equal([]);
  });

  it("fails weights that go down", async () => {
    const steps = [{ setWeight: 50 }, analysis, { setWeight: 10 }, { pause: {} }];
    const [v] = await failures([canaryShape], [rollout("2.0.0", steps)]);
    expect(v.message).to.equal("canary weight drops from 50 to 10; weights must only grow.");
  });

  it("fails a Rollout that is not a canary", async () => {
    const r = withProp(rollout(), "spec.strategy", { blueGreen: { activeService: "a" } });
    const [v] = await failures([canaryShape], [r]);
    expect(v.message).to.contain("has no canary strategy");
  });
});
