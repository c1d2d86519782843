import { expect } from "chai";
import * as os from "node:os";
import { approvalOfCommand } from "../../../automation/progress/approval-wait";
import type { LockState } from "../../../automation/lock/fleet-lock";
import type { JournalEvent } from "../../../automation/journal/journal-events";
import { splitOf } from "../../../automation/progress/stage-traffic";
import { escapeHtml, html } from "../../../automation/ui/html";
import { renderPage } from "../../../automation/ui/page-render";
import { releaseView } from "../../../automation/ui/release-view";
import { FigureGates, indexOf, recordRelease } from "../support/live-fixture";

const held: LockState = {
  state: "held",
  holder: {
    user: "driver",
    host: os.hostname(),
    pid: process.pid,
    command: "outpost-fleet deploy --release 2.1.0",
    release: "2.1.0",
    acquiredAt: "2025-01-06T09:00:00.000Z",
    heartbeatAt: "2025-01-06T09:00:00.000Z",
  },
};
const free: LockState = { state: "free" };

const upTo = (events: JournalEvent[], predicate: (e: JournalEvent) => boolean) =>
  events.slice(0, indexOf(events, predicate) + 1);

describe("live view: the page model from the journal", () => {
  it("shows a running release: the step each Outpost is on, its traffic split and gates", async () => {
    const { events } = await recordRelease();
    const midShift = upTo(
      events,
      (e) => e.type === "gate-evaluated" && e.step === "shift-50" && e.stage === "local-us/nyc-op1",
    );
    const view = releaseView(midShift, held, "none");
    expect(view?.state).to.equal("running");
    expect(view?.waves.map((w) => [w.name, w.state])).to.deep.equal([
      ["us", "in progress"],
      ["eu", "not started"],
    ]);
    const [canary, second] = view?.waves[0].stages ?? [];
    expect(canary).to.include({
      id: "local-us/nyc-op1",
      ring: 0,
      state: "running",
      currentStep: "shift-50",
    });
    expect(canary.steps.map((s) => `${s.id}:${s.state}`)).to.deep.equal([
      "deploy-idle:done",
      "verify:done",
      "shift-10:done",
      "shift-50:running",
      "flip:pending",
      "bake:pending",
    ]);
    expect(canary.traffic).to.deep.include({
      activeColor: "blue",
      split: { blue: 50, green: 50 },
      versions: { blue: "2.0.0", green: "2.1.0" },
      source: "observed",
      after: "shift-50",
    });
    expect(canary.gates?.step).to.equal("shift-50");
    expect(canary.gates?.results[0].figures[0]).to.deep.equal({
      name: "error rate",
      value: 0.2,
      unit: "%",
      threshold: 1,
      limit: "max",
    });
    expect(second).to.include({ ring: 1, state: "pending", currentStep: null });
    expect(second.traffic).to.deep.include({ source: "baseline", split: { blue: 100, green: 0 } });
    expect(view?.timeline.at(-1)).to.include({ type: "gate-evaluated", actor: `tester@test-host` });
  });

  it("with the prestage: each Outpost's first step is its prestage batch; pre-staged Outposts wait for their wave", async () => {
    const { events } = await recordRelease({ prestage: true });
    const midPrestage = upTo(
      events,
      (e) => e.type === "step-started" && e.step === "prestage" && e.batch === 1,
    );
    const during = releaseView(midPrestage, held, "none");
    const stages = (view: typeof during) =>
      (view?.waves ?? []).flatMap((w) =>
        w.stages.map((st) => `${st.id} ${st.state} ${st.steps[0].id}:${st.steps[0].state}`),
      );
    expect(stages(during)).to.deep.equal([
      "local-us/nyc-op1 pending prestage:done",
      "local-us/nyc-op2 running prestage:running",
      "local-eu/fra-op1 pending prestage:pending",
      "local-eu/fra-op2 pending prestage:pending",
    ]);
    expect(during?.waves[0].stages[1].currentStep).to.equal("prestage");
    // The pre-staged idle color runs the release and takes no traffic.
    expect(during?.waves[0].stages[0].traffic).to.deep.include({
      activeColor: "blue",
      split: { blue: 100, green: 0 },
      versions: { blue: "2.0.0", green: "2.1.0" },
    });
    const inWave1 = releaseView(
      upTo(events, (e) => e.type === "step-started" && e.step === "verify"),
      held,
      "none",
    );
    const [canary] = inWave1?.waves[0].stages ?? [];
    expect(canary.steps.map((st) => `${st.id}:${st.state}`)).to.deep.equal([
      "prestage:done",
      "verify:running",
      "shift-10:pending",
      "shift-50:pending",
      "flip:pending",
      "bake:pending",
    ]);
    expect(stages(inWave1).slice(2)).to.deep.equal([
      "local-eu/fra-op1 pending prestage:done",
      "local-eu/fra-op2 pending prestage:done",
    ]);
  });

  it("shows a failed gate, the rollback with its reason, and the outcome", async () => {
    const { events } = await recordRelease({
      gates: new FigureGates().failOn("local-eu/fra-op1", "shift"),
    });
    const view = releaseView(events, free, "none");
    expect(view).to.include({ state: "finished", outcome: "rolled-back" });
    expect(view?.reason).to.match(/local-eu\/fra-op1 failed at shift-10/);
    expect(view?.rollback).to.include({ scope: "wave", cause: "failure", state: "completed" });
    const failed = view?.waves[1].stages[0];
    expect(failed).to.include({ state: "rolled back" });
    expect(failed?.steps.find((s) => s.id === "shift-10")?.state).to.equal("failed");
    expect(failed?.gates?.results[0]).to.include({ gate: "http-probe", verdict: "fail" });
    // The rollback put the old color back in front of everything.
    expect(failed?.traffic).to.deep.include({
      activeColor: "blue",
      split: { blue: 100, green: 0 },
      source: "rollback",
    });
    expect(view?.waves[0].stages.every((s) => s.state === "done")).to.equal(true);
  });

  it("a paused release shows as paused once its driver stopped", async () => {
    const { events } = await recordRelease();
    const cut = upTo(events, (e) => e.type === "step-completed" && e.step === "verify");
    const paused: JournalEvent[] = [
      ...cut,
      {
        type: "pause-requested",
        by: { user: "alice", host: "ops", pid: 7 },
        seq: cut.length + 1,
        at: cut[0].at,
      },
      { type: "paused", before: "shift-10 of us batch 0", seq: cut.length + 2, at: cut[0].at },
    ];
    const view = releaseView(paused, free, "none");
    expect(view?.state).to.equal("paused");
    expect(view?.timeline.at(-2)).to.include({ type: "pause-requested", actor: "alice@ops" });
    // Still the driver's, not alice's: she asked; the driver paused.
    expect(view?.timeline.at(-1)).to.include({ type: "paused", actor: "tester@test-host" });
  });

  it("says which wave waits for approval, and only when the driver runs with each-wave", async () => {
    // Approved at the terminal, so the run goes through; cut before the second approval.
    const { events } = await recordRelease({
      approval: "each-wave",
      deps: (deps) => ({ ...deps, prompt: () => Promise.resolve(true) }),
    });
    const waiting = upTo(events, (e) => e.type === "wave-completed" && e.wave === "us");
    expect(releaseView(waiting, held, "none")?.state).to.equal("running");
    const view = releaseView(waiting, held, "each-wave");
    expect(view?.state).to.equal("waiting for approval");
    expect(view?.awaitingApproval).to.equal("eu");
    expect(view?.waves[1].state).to.equal("waiting for approval");
    expect(releaseView(waiting, free, "each-wave")?.state).to.equal("stopped");
    expect(approvalOfCommand("outpost-fleet deploy --approve each-wave", "none")).to.equal(
      "each-wave",
    );
    expect(approvalOfCommand("outpost-fleet deploy --approve=none", "each-wave")).to.equal("none");
    expect(approvalOfCommand("outpost-fleet deploy", "each-wave")).to.equal("each-wave");
  });

  it("computes splits from listener weights in any units, or from the candidate weight", () => {
    expect(splitOf("blue", 10, { blue: 900, green: 100 })).to.deep.equal({ blue: 90, green: 10 });
    expect(splitOf("green", 0, { blue: 0, green: 256 })).to.deep.equal({ blue: 0, green: 100 });
    expect(splitOf("green", 25)).to.deep.equal({ blue: 25, green: 75 });
  });

  it("escapes journal text in the page (a stage reason is operator input)", async () => {
    const { events } = await recordRelease();
    const evil: JournalEvent[] = [
      ...events.slice(0, 5),
      {
        type: "abort-requested",
        by: { user: "<img src=x onerror=alert(1)>", host: "h", pid: 1 },
        reason: `"><script>alert(1)</script>`,
        seq: 6,
        at: events[0].at,
      },
    ];
    const page = renderPage(
      {
        journal: "/tmp/j",
        view: releaseView(evil, free, "none"),
        history: [],
        actions: false,
        follow: false,
      },
      { script: "/s.js", style: "/s.css" },
    );
    expect(page).not.to.contain("<script>alert");
    expect(page).not.to.contain("<img src=x");
    expect(page).to.contain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(escapeHtml(`a&b<"'>`)).to.equal("a&amp;b&lt;&quot;&#39;&gt;");
    expect(html`<p>${["<b>", html`<i>ok</i>`]}</p>`.markup).to.equal("<p>&lt;b&gt;<i>ok</i></p>");
  });
});
