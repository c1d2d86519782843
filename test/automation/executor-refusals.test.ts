import { expect } from "chai";
import { type Refusal, RefusedError } from "../../automation/executor/release-refusal";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const bob = { user: "bob", host: "laptop", pid: 7 };

/** The refusal `run` ends with (it must refuse). */
async function refusalOf(run: () => Promise<unknown>): Promise<Refusal> {
  try {
    await run();
  } catch (err) {
    if (err instanceof RefusedError) return err.refusal;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("executor: refusals (facts; nothing journaled, nothing changed)", () => {
  it("refuses to resume when no release was started", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]) });
    expect(await refusalOf(() => h.executor().resume())).to.deep.equal({
      kind: "nothing-to-resume",
    });
    expect(await h.events()).to.deep.equal([]);
  });

  it("refuses to resume a release that finished", async () => {
    const h = makeHarness({ stacks: exampleFleet(1, ["us"]) });
    expect(await h.executor().start(h.plan, "deploy")).to.deep.equal({ kind: "succeeded" });
    const events = await h.events();
    const operations = h.changes().length;
    expect(await refusalOf(() => h.executor().resume())).to.deep.equal({
      kind: "finished",
      release: "2.1.0",
      outcome: "succeeded",
    });
    expect(await h.events()).to.deep.equal(events);
    expect(h.changes()).to.have.length(operations);
  });

  it("refuses to start a release whose last attempt has not finished", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us"]) });
    const up = h.engine.up.bind(h.engine);
    let asked = false;
    h.engine.up = async (stack, options) => {
      if (!asked) {
        asked = true;
        await h.deps().journal.append({ type: "pause-requested", by: bob });
      }
      return up(stack, options);
    };
    expect((await h.executor().start(h.plan, "deploy")).kind).to.equal("paused");
    const events = await h.events();
    const operations = h.changes().length;
    expect(await refusalOf(() => h.executor().start(h.plan, "deploy again"))).to.deep.equal({
      kind: "in-progress",
      release: "2.1.0",
      startedBy: "tester",
      startedAt: events[0].at,
    });
    expect(await h.events()).to.deep.equal(events);
    expect(h.changes()).to.have.length(operations);
  });
});
