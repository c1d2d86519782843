import { expect } from "chai";
import type { JournalEvent } from "../../../automation/journal/journal-events";
import type { Notification } from "../../../automation/notify/notification";
import {
  NotificationTracker,
  type TriggerContext,
} from "../../../automation/notify/notification-triggers";
import { runUrlFrom } from "../../../automation/notify/run-url";
import { FigureGates, recordRelease } from "../support/live-fixture";

const context = (overrides: Partial<TriggerContext> = {}): TriggerContext => ({
  regions: { "local-us": "us-east-1", "local-eu": "eu-central-1" },
  approval: "none",
  runUrl: "https://ci.example/runs/7",
  frozenAt: () => false,
  ...overrides,
});

function notificationsOf(events: readonly JournalEvent[], ctx = context()): Notification[] {
  const tracker = new NotificationTracker(ctx);
  return events.flatMap((event) => tracker.observe(event));
}

describe("notifications: what the journal triggers", () => {
  it("a good release: started, each wave started and completed, finished", async () => {
    const { events } = await recordRelease();
    const sent = notificationsOf(events);
    expect(sent.map((n) => `${n.event}${n.wave ? ` ${n.wave}` : ""}`)).to.deep.equal([
      "release-started",
      "wave-started us",
      "wave-completed us",
      "wave-started eu",
      "wave-completed eu",
      "release-finished",
    ]);
    const [started, usStarted] = sent;
    expect(started).to.include({
      release: "2.1.0",
      attempt: 1,
      actor: "tester@test-host",
      severity: "info",
      runUrl: "https://ci.example/runs/7",
      journalSeq: 1,
    });
    expect(usStarted).to.include({ wave: "us", region: "us-east-1" });
    expect(sent.at(-1)).to.include({ outcome: "succeeded", severity: "success" });
    // Every occurrence has its own key, and the same journal gives the same keys.
    const keys = sent.map((n) => n.idempotencyKey);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(notificationsOf(events).map((n) => n.idempotencyKey)).to.deep.equal(keys);
  });

  it("a failed gate: its figures, the Outpost's weights before and after, then the rollback", async () => {
    const { events } = await recordRelease({
      gates: new FigureGates().failOn("local-eu/fra-op1", "shift"),
    });
    const sent = notificationsOf(events);
    expect(sent.map((n) => n.event)).to.deep.equal([
      "release-started",
      "wave-started",
      "wave-completed",
      "wave-started",
      "gate-failed",
      "rollback-started",
      "rollback-completed",
      "release-finished",
    ]);
    const gate = sent.find((n) => n.event === "gate-failed");
    expect(gate).to.deep.include({
      wave: "eu",
      region: "eu-central-1",
      stack: "local-eu",
      outpost: "fra-op1",
      ring: 0,
      step: "shift-10",
      severity: "error",
      weights: { before: { blue: 100, green: 0 }, after: { blue: 90, green: 10 } },
    });
    expect(gate?.gate).to.deep.include({ name: "http-probe", verdict: "fail" });
    expect(gate?.gate?.figures[0]).to.deep.equal({
      name: "error rate",
      value: 31.5,
      unit: "%",
      threshold: 1,
      limit: "max",
    });
    expect(gate?.title).to.contain("error rate 31.5 % (max 1 %)");
    const rollback = sent.find((n) => n.event === "rollback-started");
    expect(rollback?.reason).to.match(/fra-op1 failed at shift-10/);
    expect(rollback?.weights).to.deep.equal({
      before: { blue: 90, green: 10 },
      after: { blue: 100, green: 0 },
    });
    const done = sent.find((n) => n.event === "rollback-completed");
    expect(done?.outposts.map((o) => [o.stage, o.weights.after])).to.deep.equal([
      ["local-eu/fra-op1", { blue: 100, green: 0 }],
    ]);
    expect(sent.at(-1)).to.include({ outcome: "rolled-back", severity: "warning" });
  });

  it("paused names who asked; waiting for approval once per wave, not inside a freeze", async () => {
    const { events } = await recordRelease({
      approval: "each-wave",
      deps: (deps) => ({ ...deps, prompt: () => Promise.resolve(true) }),
    });
    const sent = notificationsOf(events, context({ approval: "each-wave" }));
    const waits = sent.filter((n) => n.event === "waiting-for-approval");
    expect(waits.map((n) => n.wave)).to.deep.equal(["us", "eu"]);
    expect(waits[1].title).to.contain("outpost-fleet promote --wave eu");
    expect(
      notificationsOf(events, context({ approval: "each-wave", frozenAt: () => true })).filter(
        (n) => n.event === "waiting-for-approval",
      ),
    ).to.deep.equal([]);

    const at = events[0].at;
    const paused = notificationsOf([
      ...events.slice(0, 4),
      { type: "pause-requested", by: { user: "alice", host: "ops", pid: 9 }, seq: 5, at },
      { type: "paused", before: "deploy-idle of us batch 0", seq: 6, at },
    ]).at(-1);
    expect(paused).to.include({ event: "paused", actor: "alice@ops", severity: "warning" });
  });

  it("the run URL comes from the CI's variables", () => {
    expect(
      runUrlFrom({
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/fleet",
        GITHUB_RUN_ID: "42",
        GITHUB_RUN_ATTEMPT: "2",
      }),
    ).to.equal("https://github.com/acme/fleet/actions/runs/42/attempts/2");
    expect(runUrlFrom({ CODEBUILD_BUILD_URL: "https://codebuild/x" })).to.equal(
      "https://codebuild/x",
    );
    expect(runUrlFrom({ OUTPOST_FLEET_RUN_URL: "https://mine", BUILD_URL: "https://j" })).to.equal(
      "https://mine",
    );
    expect(runUrlFrom({})).to.equal(null);
  });
});
