import { expect } from "chai";
import { formatStatus } from "../../automation/cli/status-text";
import { NotificationTracker } from "../../automation/notify/notification-triggers";
import { notificationFacts } from "../../automation/notify/notification-facts";
import { statusView } from "../../automation/operations/status-report";
import { replay } from "../../automation/progress/release-progress";
import {
  servedVersionsFromJournal,
  servedVersionsFromOutputs,
} from "../../automation/progress/served-versions";
import { releaseView } from "../../automation/ui/release-view";
import { renderPanels } from "../../automation/ui/page-render";
import { exampleFleet } from "./support/fleet-fixture";
import { makeHarness } from "./support/executor-harness";

const FIX =
  "to bring it back to one version run outpost-fleet rollback --release 2.1.0 " +
  "(flips every Outpost still on 2.1.0 back to its warm old version)";
const VERSIONS = "2.0.0 on eu/eu-op1, eu/eu-op2; 2.1.0 on us/us-op1, us/us-op2";

/** The demo's `--fail-in eu` with rollbackScope wave: us keeps 2.1.0, eu goes back to 2.0.0. */
async function splitRelease() {
  const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]), scope: "wave" });
  h.gates.set("eu/eu-op1", "bake", "fail");
  const outcome = await h.executor().start(h.plan, "deploy");
  expect(outcome.kind).to.equal("rolled-back");
  return { h, events: await h.events() };
}

describe("a split fleet is never silent", () => {
  it("the journal shows which Outposts serve which version", async () => {
    const { events } = await splitRelease();
    expect(servedVersionsFromJournal(events)).to.deep.equal({
      "us/us-op1": ["2.1.0"],
      "us/us-op2": ["2.1.0"],
      "eu/eu-op1": ["2.0.0"],
      "eu/eu-op2": ["2.0.0"],
    });
  });

  it("the stacks' outputs say the same (what drift reads)", async () => {
    const { h } = await splitRelease();
    const outputs = {
      us: await h.engine.outputs("us"),
      eu: await h.engine.outputs("eu"),
      never: undefined,
    };
    expect(servedVersionsFromOutputs(outputs)).to.deep.equal({
      "us/us-op1": ["2.1.0"],
      "us/us-op2": ["2.1.0"],
      "eu/eu-op1": ["2.0.0"],
      "eu/eu-op2": ["2.0.0"],
    });
  });

  it("status says the fleet is not consistent, with the versions, the Outposts and the fix", async () => {
    const { events } = await splitRelease();
    const progress = replay(events);
    if (progress === undefined) throw new Error("no release");
    const view = statusView(progress, { state: "free" }, servedVersionsFromJournal(events));
    expect(view.consistency?.kind).to.equal("split");
    expect(formatStatus(view)).to.contain(
      `  fleet NOT consistent: it serves 2 versions: ${VERSIONS}; ${FIX}`,
    );
  });

  it("the release-finished notification says so", async () => {
    const { events } = await splitRelease();
    const tracker = new NotificationTracker({
      regions: {},
      approval: "none",
      runUrl: null,
      frozenAt: () => false,
    });
    const finished = events
      .flatMap((e) => tracker.observe(e))
      .find((n) => n.event === "release-finished");
    expect(finished?.title).to.contain(`fleet NOT consistent: it serves 2 versions: ${VERSIONS}`);
    expect(finished?.splitFleet).to.contain(FIX);
    expect(notificationFacts(finished!)).to.deep.include({
      title: "Fleet",
      value: finished?.splitFleet,
    });
  });

  it("the live view says so", async () => {
    const { events } = await splitRelease();
    const view = releaseView(events, { state: "free" }, "none");
    expect(view?.consistency?.kind).to.equal("split");
    const panels = renderPanels({
      journal: "j",
      view,
      history: [],
      actions: false,
      follow: true,
    });
    expect(JSON.stringify(panels)).to.contain("fleet-consistency").and.contain(FIX);
  });

  it("the command it names brings the fleet back to one version", async () => {
    const { h } = await splitRelease();
    // What `outpost-fleet rollback` does when no driver runs (operations/operator-actions.ts).
    await h.deps().journal.append({
      type: "rollback-requested",
      by: { user: "tester", host: "h", pid: 1 },
      reason: "one version",
    });
    const outcome = await h.executor().resume();
    expect(outcome.kind).to.equal("rolled-back");
    const events = await h.events();
    const progress = replay(events);
    if (progress === undefined) throw new Error("no release");
    const view = statusView(progress, { state: "free" }, servedVersionsFromJournal(events));
    expect(view.consistency).to.deep.equal({ kind: "consistent", version: "2.0.0" });
    expect(h.engine.deployedState("us", "us-op1").activeColor).to.equal("blue");
  });

  it("a release that reached every Outpost is consistent", async () => {
    const h = makeHarness({ stacks: exampleFleet(2, ["us", "eu"]), scope: "wave" });
    await h.executor().start(h.plan, "deploy");
    const events = await h.events();
    const progress = replay(events);
    if (progress === undefined) throw new Error("no release");
    const view = statusView(progress, { state: "free" }, servedVersionsFromJournal(events));
    expect(view.consistency).to.deep.equal({ kind: "consistent", version: "2.1.0" });
  });
});
